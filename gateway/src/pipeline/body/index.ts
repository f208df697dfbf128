import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';

/** Stage placeholder: passes every request through until its issue lands. */
export function body(): MiddlewareHandler<GatewayEnv> {
  return async function body(_c, next) {
    await next();
  };
}
