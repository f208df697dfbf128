import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';

/** Stage placeholder: passes every request through until its issue lands. */
export function rateLimit(): MiddlewareHandler<GatewayEnv> {
  return async function rateLimit(_c, next) {
    await next();
  };
}
