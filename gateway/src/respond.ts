import type { Context } from 'hono';
import { problem, problemHtml, wantsHtml, PROBLEM_CONTENT_TYPE, type ErrorCode, type FieldError } from '../../shared/errors.ts';
import type { GatewayEnv } from './env.ts';

/**
 * Builds the gateway's error responses: problem+json with a stable code and the request id, or a
 * small HTML page when a browser asks for HTML. Never echoes request input.
 */
export function problemResponse(
  c: Context<GatewayEnv>,
  code: ErrorCode | string,
  opts: { status?: number; title?: string; detail?: string; errors?: FieldError[]; headers?: HeadersInit } = {},
): Response {
  const body = problem(code, c.get('requestId') ?? 'unknown', opts);
  const html = wantsHtml(c.req.header('accept'));
  const headers = new Headers(opts.headers);
  headers.set('content-type', html ? 'text/html; charset=utf-8' : PROBLEM_CONTENT_TYPE);
  headers.set('cache-control', 'no-store');
  return new Response(html ? problemHtml(body) : JSON.stringify(body), { status: body.status, headers });
}
