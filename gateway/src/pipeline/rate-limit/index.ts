import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import type { LimitsRules } from '../../../../shared/rules/limits.ts';

/** Stage placeholder: passes every request through until its issue lands. */
export function rateLimit(rules: LimitsRules): MiddlewareHandler<GatewayEnv> {
  void rules;
  return async function rateLimit(_c, next) {
    await next();
  };
}
