import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';

/** Stage placeholder: passes every request through until its issue lands. */
export function jwt(): MiddlewareHandler<GatewayEnv> {
  return async function jwt(_c, next) {
    await next();
  };
}
