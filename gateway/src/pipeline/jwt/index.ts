import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import type { AccessRules } from '../../../../shared/rules/access.ts';

/** Stage placeholder: passes every request through until its issue lands. */
export function jwt(rules: AccessRules): MiddlewareHandler<GatewayEnv> {
  void rules;
  return async function jwt(_c, next) {
    await next();
  };
}
