import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';

const NO_GRANTS: ReadonlySet<string> = new Set();

/**
 * Assigns a fresh `X-Request-Id` to every request (a client-supplied one is ignored: it would let a
 * client forge log correlation) and echoes it on the response.
 */
export function requestId(): MiddlewareHandler<GatewayEnv> {
  return async function requestId(c, next) {
    const id = crypto.randomUUID();
    c.set('requestId', id);
    // Per-request defaults every later stage may rely on.
    c.set('responseHeaders', new Headers());
    c.set('clientClass', 'anonymous');
    c.set('grants', NO_GRANTS);
    c.set('identity', undefined);
    c.set('credential', undefined);
    c.set('wafVerdict', undefined);
    c.set('body', undefined);
    await next();
    c.res.headers.set('x-request-id', id);
    for (const [k, v] of c.get('responseHeaders')) c.res.headers.set(k, v);
  };
}
