import type { Context, MiddlewareHandler } from 'hono';
import { classifyRoute } from '../../../shared/ops/route-class.ts';
import { toDataPoint, type GatewayEvent } from '../../../shared/ops/gateway-events.ts';
import type { GatewayEnv } from '../env.ts';
import type { Decision } from '../ratelimit/types.ts';
import { recordEvent } from './exposition.ts';

const STATUS_CLASS = ['1xx', '1xx', '2xx', '3xx', '4xx', '5xx'];
/** Which rate-limit decision speaks for a request with several policies: the one that refused it. */
const SEVERITY: Record<Decision['outcome'], number> = { allow: 0, unavailable: 1, deny: 2 };

function rateLimitOf(decisions: Decision[] | undefined): GatewayEvent['rateLimit'] {
  if (!decisions?.length) return undefined;
  const d = decisions.reduce((a, b) => (SEVERITY[b.outcome] > SEVERITY[a.outcome] ? b : a));
  return {
    policy: d.policy.id,
    decision: d.outcome === 'allow' ? 'allowed' : d.outcome === 'deny' ? 'limited' : 'unavailable',
    source: d.source,
    degraded: d.degraded ?? '',
  };
}

/** The request's decisions as one value, read from what the stages left in the context. */
function eventOf(c: Context<GatewayEnv>, totalMs: number): GatewayEvent {
  const v = c.get('wafVerdict');
  const clientClass = c.get('clientClass') ?? 'anonymous';
  const e: GatewayEvent = {
    routeClass: classifyRoute(c.req.path).routeClass,
    statusClass: STATUS_CLASS[(c.res.status / 100) | 0] ?? '5xx',
    clientClass,
    totalMs,
  };
  if (v && (v.matches.length || v.action !== 'allow'))
    e.waf = { action: v.action, rule: v.primaryRule ?? v.matches[0]?.ruleId ?? 'none' };
  e.rateLimit = rateLimitOf(c.get('rateLimitDecisions'));
  const jwt = c.get('jwtRejection');
  if (jwt) e.jwtReason = jwt;
  if (c.get('problemCode') === 'CORS_ORIGIN_DENIED') e.corsRefused = true;
  if (clientClass === 'verified_crawler') e.crawler = 'verified';
  else if (c.get('spoofedCrawler')) e.crawler = 'spoofed';
  const up = c.get('upstream');
  if (up) e.upstream = up;
  return e;
}

/**
 * The metrics stage: after the pipeline answered, turns the request's decisions into one event,
 * counts it in this isolate's exposition and, in production (the GATEWAY_ANALYTICS binding),
 * writes it as one Workers Analytics Engine data point from `waitUntil`, off the response path.
 */
export function telemetry(): MiddlewareHandler<GatewayEnv> {
  return async function telemetry(c, next) {
    const started = performance.now();
    await next();
    const event = eventOf(c, performance.now() - started);
    recordEvent(event);
    const dataset = c.env?.GATEWAY_ANALYTICS;
    if (dataset) {
      try {
        c.executionCtx.waitUntil(Promise.resolve().then(() => dataset.writeDataPoint(toDataPoint(event))));
      } catch {
        // No execution context (app.request in unit tests): nothing to defer to, so nothing is written.
      }
    }
  };
}

/**
 * Sits right before the proxy: how long the backend took and whether it answered. `unreachable`
 * is the proxy's own 502 (no connection); `status_5xx` the backend's 5xx.
 */
export function upstreamTiming(): MiddlewareHandler<GatewayEnv> {
  return async function upstreamTiming(c, next) {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    const outcome =
      c.get('problemCode') === 'UPSTREAM_UNAVAILABLE' ? 'unreachable' : c.res.status >= 500 ? 'status_5xx' : 'ok';
    c.set('upstream', { outcome, ms });
  };
}
