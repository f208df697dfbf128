import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';

/** Two years, as hstspreload.org asks. */
const HSTS = 'max-age=63072000; includeSubDomains';

/** Security headers on every response, including the gateway's own errors. */
export function securityHeaders(): MiddlewareHandler<GatewayEnv> {
  return async function securityHeaders(c, next) {
    await next();
    const h = c.res.headers;
    h.set('strict-transport-security', HSTS);
    h.set('x-content-type-options', 'nosniff');
    h.set('x-frame-options', 'DENY');
    h.set('referrer-policy', 'strict-origin-when-cross-origin');
    const csp = h.get('content-security-policy');
    if (!csp) h.set('content-security-policy', "frame-ancestors 'none'");
    else if (!/frame-ancestors/i.test(csp)) h.set('content-security-policy', `${csp}; frame-ancestors 'none'`);
  };
}
