import type { Context } from 'hono';
import { problem, renderProblem, type ErrorCode, type FieldError } from '../../shared/errors.ts';
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
  c.set('problemCode', code);
  const headers = new Headers(opts.headers);
  headers.set('cache-control', 'no-store');
  return renderProblem(problem(code, c.get('requestId') ?? 'unknown', opts), c.req.header('accept'), headers);
}
