import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDataPoint, type GatewayEvent } from '../../../shared/ops/gateway-events.ts';
import { analyticsEngineCounts, analyticsEngineSql } from './analytics-engine.ts';
import { countOf, histogramQuantileMs, type GatewayWindow } from './gateway-source.ts';
import { quantile } from './window.ts';

/**
 * The production read path against a stand-in for the Analytics Engine SQL API on loopback: the
 * request we send (bearer token, SQL over the data point's blobs) and how rows fold into the same
 * series the local scrape yields. Cloudflare's live API itself is not reachable from tests.
 */
let server: Server;
let url = '';
const seen: { auth?: string; sql: string }[] = [];
const events: GatewayEvent[] = [
  {
    routeClass: 'auth',
    statusClass: '4xx',
    clientClass: 'anonymous',
    waf: { action: 'block', rule: 'WAF_SQLI_002' },
    totalMs: 3,
  },
  {
    routeClass: 'auth',
    statusClass: '5xx',
    clientClass: 'anonymous',
    rateLimit: { policy: 'auth-login-ip', decision: 'unavailable', source: 'closed', degraded: 'network' },
    totalMs: 1,
  },
  {
    routeClass: 'search',
    statusClass: '2xx',
    clientClass: 'qa',
    upstream: { outcome: 'ok', ms: 4 },
    jwtReason: undefined,
    totalMs: 6,
  },
];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, sql: body });
      // One row per point, as GROUP BY over all blobs returns them; `n` sums _sample_interval.
      const data = events.map((e, i) => {
        const p = toDataPoint(e);
        return { ...Object.fromEntries(p.blobs.map((b, j) => [`blob${j + 1}`, b])), n: i === 0 ? 4 : 1 };
      });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ meta: [], data, rows: data.length }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/sql`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('Workers Analytics Engine reader', () => {
  it('builds one bounded query over the window (no user input reaches the SQL)', () => {
    const sql = analyticsEngineSql('gatehouse_gateway', 30.7);
    expect(sql).toMatch(
      /^SELECT blob1, .*blob13, SUM\(_sample_interval\) AS n FROM gatehouse_gateway WHERE timestamp > NOW\(\) - INTERVAL '30' MINUTE GROUP BY/,
    );
  });

  it('reads rows into the exposition series, weighted by the sample interval', async () => {
    const w = await analyticsEngineCounts(
      {
        ANALYTICS_ENGINE_ACCOUNT_ID: 'acc',
        ANALYTICS_ENGINE_API_TOKEN: 'tok',
        ANALYTICS_ENGINE_DATASET: 'gatehouse_gateway',
        ANALYTICS_ENGINE_SQL_URL: url,
      },
      30,
    );
    expect(w.error).toBeUndefined();
    expect(seen.at(-1)?.auth).toBe('Bearer tok');
    expect(countOf(w, 'gatehouse_waf_decisions_total', { rule: 'WAF_SQLI_002', action: 'block' })).toBe(4);
    expect(countOf(w, 'gatehouse_ratelimit_decisions_total', { decision: 'unavailable', source: 'closed' })).toBe(1);
    expect(countOf(w, 'gatehouse_ratelimit_backend_errors_total', { kind: 'network' })).toBe(1);
    expect(countOf(w, 'gatehouse_upstream_requests_total', { outcome: 'ok' })).toBe(1);
    expect(countOf(w, 'gatehouse_gateway_requests_total')).toBe(6);
  });

  it('reports an unreachable API as an error (GatewaySource then ages the reading), not as zeros that look healthy', async () => {
    const w = await analyticsEngineCounts(
      {
        ANALYTICS_ENGINE_ACCOUNT_ID: 'acc',
        ANALYTICS_ENGINE_API_TOKEN: 'tok',
        ANALYTICS_ENGINE_DATASET: 'd',
        ANALYTICS_ENGINE_SQL_URL: 'http://127.0.0.1:1/sql',
      },
      5,
    );
    expect(w.error).toBeTruthy();
    expect(w.ageSeconds).toBeNull();
  });
});

describe('latency quantiles from buckets', () => {
  it.each([
    [[0, 10, 0], 0.5, 0.0025 + (0.005 - 0.0025) * 0.5],
    [[100, 0, 0], 0.95, 0.0025 * 0.95],
    [[0, 0, 0], 0.5, null],
  ])('buckets %j, q=%s → %s s', (counts, q, expected) => {
    const got = quantile([0.0025, 0.005], counts, q);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(expected, 6);
  });
});

describe('quantiles of a scraped histogram', () => {
  it('reads p95 from cumulative le buckets summed over label sets', () => {
    const h = 'gatehouse_upstream_duration_seconds_bucket';
    const w: GatewayWindow = {
      source: 'scrape',
      gauges: new Map(),
      circuitOpenSeconds: 0,
      ageSeconds: 0,
      counts: new Map([
        [`${h}||le=0.01`, 50],
        [`${h}||le=0.1`, 100],
        [`${h}||le=+Inf`, 100],
        ['gatehouse_upstream_duration_seconds_count|', 100],
      ]),
    };
    expect(histogramQuantileMs(w, 'gatehouse_upstream_duration_seconds', 0.5)).toBeCloseTo(10, 6);
    expect(histogramQuantileMs(w, 'gatehouse_upstream_duration_seconds', 0.95)).toBeCloseTo(10 + 90 * 0.9, 6);
    expect(histogramQuantileMs({ ...w, counts: new Map() }, 'gatehouse_upstream_duration_seconds', 0.95)).toBeNull();
  });
});
