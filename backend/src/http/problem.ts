import type { Context } from 'hono';
import { problem, renderProblem, type ErrorCode, type FieldError } from '../../../shared/errors.ts';

/** Thrown anywhere in a handler; `onError` turns it into a problem+json response. */
export class ProblemError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail ?? code);
  }
}

/** Renders a problem for this request: JSON by default, a small HTML page for browsers. */
export function problemResponse(
  c: Context,
  code: ErrorCode,
  opts: {
    detail?: string;
    errors?: FieldError[];
    headers?: Record<string, string>;
    extra?: Record<string, unknown>;
  } = {},
): Response {
  const body = problem(code, c.get('requestId') ?? 'unknown', {
    detail: opts.detail,
    errors: opts.errors,
    extra: opts.extra,
  });
  return renderProblem(body, c.req.header('accept'), opts.headers);
}
