import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../../../../shared/ops/prometheus.ts';
import { gatewayRegistry } from '../../metrics/registry.ts';
import { problemResponse } from '../../respond.ts';

/**
 * Where the gateway answers its own metrics; never forwarded to the backend.
 * @internal exported for its tests
 */
export const METRICS_PATH = '/__gateway/metrics';

const encoder = new TextEncoder();

/** Constant-time string comparison (no early exit on the first differing byte). */
function sameToken(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * `GET /__gateway/metrics`: this isolate's rate-limit, WAF and request metrics in Prometheus text format, for the ops
 * dashboard. Guarded by a bearer token from the GATEWAY_METRICS_TOKEN binding: the client address
 * cannot prove "internal" on a self-hosted workerd (CF-Connecting-IP is absent there and any
 * client could omit it), a token can. Without the binding the endpoint does not exist (404).
 */
export function gatewayMetrics(): MiddlewareHandler<GatewayEnv> {
  return async function gatewayMetrics(c, next) {
    if (c.req.path !== METRICS_PATH) return next();
    const token = c.env.GATEWAY_METRICS_TOKEN;
    if (!token || c.req.method !== 'GET') return problemResponse(c, 'NOT_FOUND');
    const given = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
    if (!sameToken(given, token)) {
      return problemResponse(c, 'UNAUTHENTICATED', { headers: { 'www-authenticate': 'Bearer' } });
    }
    return new Response(gatewayRegistry.render(), {
      headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' },
    });
  };
}
