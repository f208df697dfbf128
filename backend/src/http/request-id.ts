import type { MiddlewareHandler } from 'hono';

const VALID_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * Uses the gateway's `X-Request-Id` (only trusted because `gatewayAuth` runs first and the id is part
 * of the signature) or makes one, and echoes it on the response.
 */
export function requestId(): MiddlewareHandler {
  return async function requestId(c, next) {
    const incoming = c.req.header('x-request-id');
    const id = incoming && VALID_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', id);
    await next();
    c.header('x-request-id', id);
  };
}
