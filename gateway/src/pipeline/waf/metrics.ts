import type { Handler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import { wafCounters, wafPrometheus } from '../../waf/events.ts';

/**
 * Internal endpoint for the ops dashboard: this isolate's WAF counters as Prometheus text, or JSON
 * with `?format=json`. Mount it behind the access rules (it is not for the public), e.g.
 * `app.get('/internal/waf/metrics', wafMetrics())` before the proxy.
 */
export function wafMetrics(): Handler<GatewayEnv> {
  return function wafMetrics(c) {
    if (c.req.query('format') === 'json') return c.json(wafCounters());
    return c.text(wafPrometheus(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
  };
}
