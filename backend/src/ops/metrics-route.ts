import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../../../shared/ops/prometheus.ts';
import { problemResponse } from '../http/problem.ts';
import { bearerMatches } from './bearer.ts';
import { registry } from './metrics.ts';
import { refreshPaymentGauges } from './payments-state.ts';

/**
 * `GET /metrics`: the backend's Prometheus text (shared/ops/prometheus.ts). Exists only when METRICS_TOKEN is
 * set, and then answers only to `Authorization: Bearer <METRICS_TOKEN>`: the numbers describe
 * payments and traffic, not for the public. Reachable without the gateway signature so a
 * Prometheus next to the backend can scrape it (see ops/prometheus.yml).
 */
export function metricsRoutes(deps: AppDeps) {
  const app = new Hono();
  const token = deps.env.METRICS_TOKEN;
  app.get('/metrics', async (c) => {
    if (!token) return problemResponse(c, 'NOT_FOUND');
    if (!bearerMatches(c.req.header('authorization'), token))
      return problemResponse(c, 'UNAUTHENTICATED', { headers: { 'www-authenticate': 'Bearer' } });
    await refreshPaymentGauges(deps.db);
    return c.body(registry.render(), 200, {
      'content-type': PROMETHEUS_CONTENT_TYPE,
      'cache-control': 'no-store',
    });
  });
  return app;
}
