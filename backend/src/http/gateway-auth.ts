import type { MiddlewareHandler } from 'hono';
import {
  SIGNATURE_HEADER,
  USER_HEADER,
  ROLE_HEADER,
  verifyGatewaySignature,
} from '../../../shared/gateway-signature.ts';
import { problemResponse } from './problem.ts';

/** Probes that orchestrators call directly on the backend port; /metrics has its own bearer token. */
const UNSIGNED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Refuses requests that did not come through the gateway (no valid `X-Gateway-Signature`), so the
 * WAF, access rules and rate limits cannot be bypassed by calling the backend port directly.
 */
export function gatewayAuth(opts: { secret?: string; required: boolean }): MiddlewareHandler {
  return async function gatewayAuth(c, next) {
    if (!opts.required || UNSIGNED_PATHS.has(c.req.path)) return next();
    const url = new URL(c.req.url);
    const ok =
      opts.secret !== undefined &&
      (await verifyGatewaySignature(opts.secret, c.req.header(SIGNATURE_HEADER), {
        method: c.req.method,
        pathAndQuery: url.pathname + url.search,
        requestId: c.req.header('x-request-id') ?? '',
        userId: c.req.header(USER_HEADER) ?? '',
        role: c.req.header(ROLE_HEADER) ?? '',
      }));
    if (!ok) {
      c.set('requestId', crypto.randomUUID());
      return problemResponse(c, 'GATEWAY_SIGNATURE_INVALID');
    }
    return next();
  };
}
