import type { Context, MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import { BindingsError, settingsFor, type GatewaySettings } from '../../config/bindings.ts';
import { problemResponse } from '../../respond.ts';

const reported = new WeakSet<BindingsError>();

/**
 * Validates the Worker's bindings once per isolate (gateway/src/config/bindings.ts) and sets
 * `settings`. Invalid bindings: one error line naming each bad variable, and every request answers
 * 500 GATEWAY_MISCONFIGURED without details (the client is not the one who can fix it).
 *
 * @example app.use(settings())
 */
export function settings(): MiddlewareHandler<GatewayEnv> {
  return async function settings(c, next) {
    const s = settingsFor(c.env ?? {});
    if (s instanceof BindingsError) {
      if (!reported.has(s)) {
        reported.add(s);
        console.error(JSON.stringify({ level: 'error', msg: 'gateway misconfigured', problems: s.problems }));
      }
      return problemResponse(c, 'GATEWAY_MISCONFIGURED');
    }
    c.set('settings', s);
    await next();
  };
}

/** The settings of `c`: set by the stage, or parsed here for a test app that mounts one stage. */
export function settingsOf(c: Context<GatewayEnv>): GatewaySettings {
  const s = c.get('settings') ?? settingsFor(c.env ?? {});
  if (s instanceof BindingsError) throw s;
  return s;
}
