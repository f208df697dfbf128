import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import type { AccessRules } from '../../../../shared/rules/access.ts';

/** Stage placeholder: passes every request through until its issue lands. */
export function cors(rules: AccessRules): MiddlewareHandler<GatewayEnv> {
  void rules;
  return async function cors(_c, next) {
    await next();
  };
}
