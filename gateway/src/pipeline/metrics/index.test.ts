import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../../env.ts';
import { requestId } from '../request-id/index.ts';
import { recordDecision } from '../../ratelimit/metrics.ts';
import { gatewayMetrics, METRICS_PATH } from './index.ts';

function app() {
  const a = new Hono<GatewayEnv>();
  a.use(requestId());
  a.use(gatewayMetrics());
  a.all('*', (c) => c.text('forwarded'));
  return a;
}
const env = (token?: string) => ({
  BACKEND_URL: 'http://127.0.0.1:1',
  GATEWAY_ENV: 'development',
  CLIENT_IP_SOURCE: 'header',
  GATEWAY_SHARED_SECRET: 's',
  ...(token ? { GATEWAY_METRICS_TOKEN: token } : {}),
});

describe('GET /__gateway/metrics', () => {
  it('answers Prometheus text with the bearer token', async () => {
    recordDecision('metrics-test', 'redis', 'allowed', { limit: 10, remaining: 1 });
    const r = await app().request(
      METRICS_PATH,
      { headers: { authorization: 'Bearer s3cret-token' } },
      env('s3cret-token'),
    );
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    expect(text).toContain(
      'gatehouse_ratelimit_decisions_total{policy="metrics-test",source="redis",decision="allowed"} 1',
    );
    expect(text).toContain('gatehouse_ratelimit_near_limit_total{policy="metrics-test",source="redis"} 1');
    expect(text).toMatch(/# TYPE gatehouse_ratelimit_redis_latency_seconds histogram/);
    expect(text).toMatch(/gatehouse_ratelimit_circuit_state [012]/);
  });

  it.each([
    { name: 'wrong token', token: 's3cret-token', auth: 'Bearer nope', status: 401 },
    { name: 'no token', token: 's3cret-token', auth: '', status: 401 },
    { name: 'endpoint disabled without the binding', token: undefined, auth: 'Bearer anything', status: 404 },
  ])('$name -> $status, never forwarded', async ({ token, auth, status }) => {
    const r = await app().request(METRICS_PATH, { headers: { authorization: auth } }, env(token));
    expect(r.status).toBe(status);
    expect(await r.text()).not.toContain('forwarded');
  });

  it('includes the WAF counters', async () => {
    const r = await app().request(METRICS_PATH, { headers: { authorization: 'Bearer t' } }, env('t'));
    expect(await r.text()).toMatch(/# TYPE gatehouse_waf_\w+ counter/);
  });

  it('other paths pass through', async () => {
    expect(await (await app().request('/x', {}, env('t'))).text()).toBe('forwarded');
  });
});
