import { createExecutionContext, env as workerEnv, waitOnExecutionContext } from 'cloudflare:test';
import { type Context, Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../env.ts';
import { problemResponse } from '../respond.ts';
import { upstreamTiming } from './telemetry.ts';
import { createGateway } from '../app.ts';
import { makeKeys, stubBackend, ENV } from '../../../test/support/gateway/access.ts';
import { bundledRules } from '../config/bundled.ts';
import {
  BLOBS,
  DOUBLES,
  EVENT_LABELS,
  fromRow,
  toDataPoint,
  type DataPoint,
} from '../../../shared/ops/gateway-events.ts';
import { parsePrometheusText, sumOf } from '../../../shared/ops/prom-text.ts';

/** Workers Analytics Engine's documented limits for one data point. */
const AE = { blobs: 20, doubles: 20, blobBytes: 16 * 1024, indexBytes: 96 };
const TOKEN = 'gateway-metrics-token-for-tests';
/** Blocked by the bundled waf.yaml (POST bodies block; GETs are monitored while rules are tuned). */
const SIGNUP_SQLI = {
  email: 'a@example.edu',
  password: 'correct horse battery',
  name: "x' UNION SELECT password FROM users--",
};
const utf8 = (s: string) => new TextEncoder().encode(s).length;

let gateway: ReturnType<typeof createGateway>;
beforeAll(async () => {
  gateway = createGateway(bundledRules('development'));
  stubBackend([(await makeKeys()).publicJwk]);
});

async function send(path: string, init: RequestInit = {}, points: DataPoint[] = []) {
  const dataset = { writeDataPoint: (p: DataPoint) => void points.push(p) };
  const ctx = createExecutionContext();
  const res = await gateway.fetch(
    new Request(`https://edge.test${path}`, init),
    { ...ENV, GATEWAY_METRICS_TOKEN: TOKEN, GATEWAY_ANALYTICS: dataset },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { res, points };
}

async function scrape() {
  const { res } = await send('/__gateway/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return parsePrometheusText(await res.text()).samples;
}

describe('gateway telemetry (inside workerd)', () => {
  it('writes one Analytics Engine data point per request, within the limits, that reads back as the same decisions', async () => {
    const { res, points } = await send('/api/auth/signup', {
      method: 'POST',
      headers: { 'cf-connecting-ip': '198.51.100.7', 'content-type': 'application/json' },
      body: JSON.stringify(SIGNUP_SQLI),
    });
    expect(res.status).toBe(403);
    expect(points).toHaveLength(1);
    const p = points[0];
    expect(p.indexes).toHaveLength(1);
    expect(utf8(p.indexes[0])).toBeLessThanOrEqual(AE.indexBytes);
    expect(p.blobs).toHaveLength(BLOBS.length);
    expect(p.blobs.length).toBeLessThanOrEqual(AE.blobs);
    expect(p.blobs.reduce((n, b) => n + utf8(b), 0)).toBeLessThanOrEqual(AE.blobBytes);
    expect(p.doubles).toHaveLength(DOUBLES.length);
    expect(p.doubles.every(Number.isFinite)).toBe(true);
    // Never the address or the query: only classes and rule ids.
    expect(JSON.stringify(p)).not.toMatch(/198\.51|UNION/);
    const row = Object.fromEntries([
      ...p.blobs.map((b, i) => [`blob${i + 1}`, b]),
      ...p.doubles.map((d, i) => [`double${i + 1}`, d]),
    ]);
    const back = fromRow(row);
    expect(back).toMatchObject({ routeClass: 'auth', statusClass: '4xx', waf: { action: 'block' } });
    expect(toDataPoint({ ...back, totalMs: p.doubles[0] }).blobs).toEqual(p.blobs);
    // The runtime's own binding accepts the point as it is.
    expect(() =>
      (workerEnv as { GATEWAY_ANALYTICS: { writeDataPoint(p: DataPoint): void } }).GATEWAY_ANALYTICS.writeDataPoint(p),
    ).not.toThrow();
  });

  it('counts WAF decisions by rule and route class, JWT rejections by reason and CORS refusals in the exposition', async () => {
    const before = await scrape();
    await send('/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SIGNUP_SQLI),
    });
    await send('/api/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    await send('/api/me');
    await send('/api/search?q=x', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    const after = await scrape();
    const d = (name: string, labels: Record<string, string> = {}) =>
      sumOf(after, name, labels) - sumOf(before, name, labels);
    expect(d('gatehouse_waf_decisions_total', { route_class: 'auth', action: 'block' })).toBe(1);
    expect(d('gatehouse_waf_decisions_total', { route_class: 'search', action: 'monitor' })).toBe(1);
    expect(d('gatehouse_jwt_rejections_total', { reason: 'missing' })).toBe(1);
    expect(d('gatehouse_cors_refusals_total', { route_class: 'search' })).toBe(1);
    expect(d('gatehouse_gateway_requests_total', { route_class: 'auth', status_class: '4xx' })).toBe(2);
  });

  it('keeps label cardinality bounded under 2,000 requests with random paths and addresses', async () => {
    const rand = () => Math.random().toString(36).slice(2, 10);
    for (let i = 0; i < 2_000; i++) {
      const ip = `10.${i % 256}.${(i >> 8) % 256}.${(i * 7) % 256}`;
      const path = i % 10 === 0 ? `/api/${rand()}?q=%27%20or%201%3D1--` : `/${rand()}/${rand()}`;
      try {
        await (await gateway.request(path, { headers: { 'cf-connecting-ip': ip } }, ENV)).arrayBuffer();
      } catch (e) {
        throw new Error(`request ${i} ${path}: ${(e as Error).message}`);
      }
    }
    const samples = await scrape();
    // Series are bounded by route classes × status classes × rules × policies, not by traffic.
    expect(samples.filter((s) => s.name in EVENT_LABELS).length).toBeLessThan(200);
    expect(samples.length).toBeLessThan(1500);
    for (const s of samples) for (const v of Object.values(s.labels)) expect(v).not.toMatch(/^10\.|^\/[a-z0-9]{8}\//);
  }, 120_000);
});

describe('upstream-timing stage', () => {
  /** The stage in front of a stand-in proxy; reports the outcome and time the stage recorded. */
  async function outcome(proxy: (c: Context<GatewayEnv>) => Response | Promise<Response>) {
    const a = new Hono<GatewayEnv>();
    let seen: { outcome: string; ms: number } | undefined;
    a.use(async (c, next) => {
      await next();
      seen = c.get('upstream');
    });
    a.use(upstreamTiming());
    a.all('*', proxy);
    const res = await a.request('/x');
    return { status: res.status, ...seen! };
  }

  it('says ok for any answer below 500, status_5xx for a 5xx, unreachable when the proxy could not connect', async () => {
    expect(await outcome((c) => c.text('fine'))).toMatchObject({ status: 200, outcome: 'ok' });
    expect(await outcome((c) => c.text('missing', 404))).toMatchObject({ status: 404, outcome: 'ok' });
    expect(await outcome((c) => c.text('broken', 503))).toMatchObject({ status: 503, outcome: 'status_5xx' });
    expect(await outcome((c) => problemResponse(c, 'UPSTREAM_UNAVAILABLE'))).toMatchObject({
      status: 502,
      outcome: 'unreachable',
    });
    // workerd's clock stands still during computation, so only the type is checked here.
    expect(typeof (await outcome((c) => c.text('fine'))).ms).toBe('number');
  });
});
