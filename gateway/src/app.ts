import { Hono, type MiddlewareHandler } from 'hono';
import type { GatewayEnv } from './env.ts';
import { requestId } from './pipeline/request-id/index.ts';
import { canonical } from './pipeline/canonical/index.ts';
import { settings } from './pipeline/settings/index.ts';
import { compiledWaf } from './config/waf.ts';
import { securityHeaders } from './pipeline/security-headers/index.ts';
import { clientIp } from './pipeline/client-ip/index.ts';
import { clientClass } from './pipeline/client-class/index.ts';
import { cors } from './pipeline/cors/index.ts';
import { body } from './pipeline/body/index.ts';
import { waf } from './pipeline/waf/index.ts';
import { jwt } from './pipeline/jwt/index.ts';
import { rateLimit } from './pipeline/rate-limit/index.ts';
import { proxy } from './pipeline/proxy/index.ts';
import { gatewayMetrics } from './pipeline/metrics/index.ts';
import { problemResponse } from './respond.ts';
import { telemetry, upstreamTiming } from './metrics/telemetry.ts';
import type { RuleSet } from './config/schema/index.ts';

/** Wraps each stage by name (the gateway benchmark times stages with it); identity by default. */
export type StageWrap = (name: string, stage: MiddlewareHandler<GatewayEnv>) => MiddlewareHandler<GatewayEnv>;

/**
 * The gateway pipeline. The stage order lives here and only here:
 * request id → telemetry (counts each request's decisions after it is answered) → security headers → settings (validated bindings) → canonical request (parse once;
 * refuses ambiguous targets) → client IP → metrics endpoint (answers /__gateway/metrics itself) →
 * client class (allowlists, crawlers) → CORS → body (read within limits) → WAF → JWT rule →
 * rate limit → upstream timing → proxy to the backend.
 * `rules`: the bundled rule files for the mode (gateway/src/index.ts), or a test's own. No import
 * of the bundled text modules here, so the pipeline also runs in Node (bench:gateway).
 */
export function createGateway(rules: RuleSet, opts: { wrap?: StageWrap } = {}) {
  const app = new Hono<GatewayEnv>();
  const wrap = opts.wrap ?? ((_name, stage) => stage);
  const wafRoutes = compiledWaf(rules['waf.yaml']);
  const stages: [string, MiddlewareHandler<GatewayEnv>][] = [
    ['request-id', requestId()],
    ['telemetry', telemetry()],
    ['security-headers', securityHeaders()],
    ['settings', settings()],
    ['canonical', canonical({ route: (path) => wafRoutes.route(path).name })],
    ['client-ip', clientIp()],
    ['metrics', gatewayMetrics()],
    ['client-class', clientClass(rules['access.yaml'])],
    ['cors', cors(rules['access.yaml'])],
    ['body', body(rules['waf.yaml'])],
    ['waf', waf(rules['waf.yaml'])],
    ['jwt', jwt(rules['access.yaml'])],
    ['rate-limit', rateLimit(rules['limits.yaml'])],
    ['upstream-timing', upstreamTiming()],
  ];
  for (const [name, stage] of stages) app.use(wrap(name, stage));
  const forward = proxy();
  app.all(
    '*',
    wrap('proxy', (c) => forward(c, async () => {}) as Promise<Response>),
  );
  app.onError((err, c) => {
    console.error(
      JSON.stringify({ level: 'error', msg: 'gateway error', request_id: c.get('requestId'), error: err.message }),
    );
    return problemResponse(c, 'INTERNAL');
  });
  return app;
}
