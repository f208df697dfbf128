import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';

/** Stage placeholder: passes every request through until its issue lands. */
export function cors(): MiddlewareHandler<GatewayEnv> {
  return async function cors(_c, next) {
    await next();
  };
}
