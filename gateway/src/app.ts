import { Hono } from 'hono';
import type { GatewayEnv } from './env.ts';
import { requestId } from './pipeline/request-id/index.ts';
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
import { bundledRules } from './config/bundled.ts';
import type { RuleSet } from './config/schema/index.ts';

/**
 * The gateway pipeline. The stage order lives here and only here:
 * request id → security headers → client IP → metrics endpoint (answers /__gateway/metrics itself) →
 * client class (allowlists, crawlers) → CORS → body (read within limits) → WAF → JWT rule →
 * rate limit → proxy to the backend.
 * `rules` defaults to the bundled rule files; tests pass their own.
 */
export function createGateway(rules: RuleSet = bundledRules()) {
  const app = new Hono<GatewayEnv>();
  app.use(requestId());
  app.use(securityHeaders());
  app.use(clientIp());
  app.use(gatewayMetrics());
  app.use(clientClass(rules['access.yaml']));
  app.use(cors(rules['access.yaml']));
  app.use(body(rules['waf.yaml']));
  app.use(waf(rules['waf.yaml']));
  app.use(jwt(rules['access.yaml']));
  app.use(rateLimit(rules['limits.yaml']));
  app.all('*', proxy());
  app.onError((err, c) => {
    console.error(
      JSON.stringify({ level: 'error', msg: 'gateway error', request_id: c.get('requestId'), error: err.message }),
    );
    return problemResponse(c, 'INTERNAL');
  });
  return app;
}
