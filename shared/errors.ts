import { errorPageHtml, retryAfterSeconds } from './error-page.ts';

/**
 * Stable error codes shared by the gateway and the backend. Clients and dashboards key on these,
 * so a code is never renamed; add new ones instead.
 */
const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The body is not valid JSON' },
  BODY_TOO_LARGE: { status: 413, title: 'The body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  INVALID_CREDENTIALS: { status: 401, title: 'Email or password is wrong' },
  INVALID_TOKEN: { status: 401, title: 'The token is invalid or expired' },
  AMBIGUOUS_CREDENTIALS: { status: 400, title: 'The request carries two different access tokens' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'Conflict' },
  // No longer sent: signup answers 202 for registered emails too (docs/auth.md). Kept, never reused.
  EMAIL_TAKEN: { status: 409, title: 'An account with this email already exists' },
  RESET_TOKEN_INVALID: { status: 400, title: 'The password reset link is invalid, used or expired' },
  CSRF_REJECTED: { status: 403, title: 'The form was not sent from this site' },
  IDEMPOTENCY_KEY_MISSING: { status: 400, title: 'The Idempotency-Key header is required' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The Idempotency-Key was used with a different request' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'A request with this Idempotency-Key is still running' },
  PAYMENT_FAILED: { status: 402, title: 'The payment failed' },
  INSUFFICIENT_CREDITS: { status: 402, title: 'Not enough credits' },
  PSP_UNAVAILABLE: { status: 502, title: 'The payment provider is unavailable' },
  REFUND_EXCEEDS_CHARGE: { status: 422, title: 'The refund exceeds what was charged' },
  PAYMENTS_UNAVAILABLE: { status: 503, title: 'Payments are not configured' },
  PURCHASE_NOT_REFUNDABLE: { status: 409, title: 'The purchase cannot be refunded in its current state' },
  WEBHOOK_SIGNATURE_INVALID: { status: 400, title: 'The webhook signature is invalid or too old' },
  GATEWAY_SIGNATURE_INVALID: { status: 403, title: 'The request did not come through the gateway' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  RATE_LIMIT_UNAVAILABLE: { status: 503, title: 'Rate limiting is unavailable; try again shortly' },
  UPSTREAM_UNAVAILABLE: { status: 502, title: 'The backend is unavailable' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  INTERNAL: { status: 500, title: 'Internal error' },
  WAF_BLOCKED: { status: 403, title: 'The request was blocked by the web application firewall' },
  WAF_AUTH_001: { status: 401, title: 'A valid access token is required' },
  CORS_ORIGIN_DENIED: { status: 403, title: 'Origin not allowed' },
  PATH_NOT_CANONICAL: { status: 400, title: 'The request path is ambiguous and was refused' },
  RATE_LIMIT_KEY_MISSING: { status: 400, title: 'The request cannot be rate limited as sent' },
  GATEWAY_MISCONFIGURED: { status: 500, title: 'The gateway is misconfigured' },
  CLIENT_ADDRESS_UNTRUSTED: { status: 403, title: 'The request did not arrive through a trusted proxy' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One offending field of a validation error: `path` is dotted (`profile.gpa`), never the value. */
export interface FieldError {
  path: string;
  message: string;
}

/** RFC 9457 problem details as every Gatehouse error body carries them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  /** A stable code; WAF rule ids (`WAF_SQLI_001`) are codes too. */
  code: string;
  detail?: string;
  request_id: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Builds a problem body. `code` may be a known ErrorCode or a WAF rule id with an explicit status. */
export function problem(
  code: string,
  requestId: string,
  opts: {
    status?: number;
    title?: string;
    detail?: string;
    errors?: FieldError[];
    extra?: Record<string, unknown>;
  } = {},
): Problem {
  const known = (ERROR_CODES as Record<string, { status: number; title: string }>)[code];
  const status = opts.status ?? known?.status ?? 500;
  const body: Problem = {
    type: `https://gatehouse.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: opts.title ?? known?.title ?? 'Error',
    status,
    code,
    request_id: requestId,
    ...opts.extra,
  };
  if (opts.detail) body.detail = opts.detail;
  if (opts.errors) body.errors = opts.errors;
  return body;
}

/**
 * The response for a problem: problem+json, or an HTML page in the site's look when `accept` asks for HTML.
 * Both sides render errors through this; `headers` adds to (never replaces) the content type.
 */
export function renderProblem(body: Problem, accept: string | null | undefined, headers?: HeadersInit): Response {
  const html = wantsHtml(accept);
  const h = new Headers(headers);
  h.set('content-type', html ? 'text/html; charset=utf-8' : PROBLEM_CONTENT_TYPE);
  const page = html ? errorPageHtml(body, retryAfterSeconds(h.get('retry-after'))) : JSON.stringify(body);
  return new Response(page, { status: body.status, headers: h });
}

/** True when the Accept header prefers HTML over JSON (a browser navigation). */
export function wantsHtml(accept: string | null | undefined): boolean {
  if (!accept) return false;
  const a = accept.toLowerCase();
  return a.includes('text/html') && !a.startsWith('application/json');
}
