import type { Hono } from 'hono';
import { createGateway } from './app.ts';
import { settingsFor } from './config/bindings.ts';
import { bundledRules } from './config/bundled.ts';
import type { GatewayEnv } from './env.ts';

type Mode = 'production' | 'development';
const apps = new Map<Mode, Hono<GatewayEnv>>();

/** One pipeline per mode and isolate, built on first use with its rule set (compiled once). */
function appFor(mode: Mode): Hono<GatewayEnv> {
  let app = apps.get(mode);
  if (!app) apps.set(mode, (app = createGateway(bundledRules(mode))));
  return app;
}

/**
 * The Worker entry. GATEWAY_ENV picks the rule set: production runs the rule files as shipped
 * (and refuses development entries in them); development merges gateway/rules/development.yaml.
 * Invalid bindings run the production pipeline, whose settings stage answers GATEWAY_MISCONFIGURED.
 */
export default {
  fetch(request: Request, env: GatewayEnv['Bindings'], ctx: ExecutionContext) {
    const s = settingsFor(env);
    const mode: Mode = 'env' in s && s.env === 'development' ? 'development' : 'production';
    return appFor(mode).fetch(request, env, ctx);
  },
} satisfies ExportedHandler<GatewayEnv['Bindings']>;
