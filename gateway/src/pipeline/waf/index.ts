import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import type { WafRules } from '../../../../shared/rules/waf.ts';

/** Stage placeholder: passes every request through until its issue lands. */
export function waf(rules: WafRules): MiddlewareHandler<GatewayEnv> {
  void rules;
  return async function waf(_c, next) {
    await next();
  };
}
