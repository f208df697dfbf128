import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { parsePrometheusText, sumOf } from '../../shared/ops/prom-text.ts';
import { useTwoHostLimitsStack } from '../support/redis-bridge/two-hosts.ts';

/**
 * Two gateway processes (workerd) on 127.0.0.2 and 127.0.0.3 share one Redis through the Upstash
 * REST bridge. Concurrent requests split across both must admit exactly the limit (fixed window,
 * token bucket) and never more (sliding window). Test-only policies: test/fixtures/limits/limits.yaml.
 * Allowed requests reach the backend, which answers 404 for the test paths: only 429 means limited.
 */
const h = useTwoHostLimitsStack();

/** `n` concurrent GETs for one client address, alternating between the two gateways. */
async function burst(pathName: string, ip: string, n: number) {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      fetch(`${h.stack.gatewayUrls[i % 2]}${pathName}`, { headers: { 'cf-connecting-ip': ip } }).then(async (r) => {
        await r.arrayBuffer();
        return r;
      }),
    ),
  );
}

/** Login-account tokens both gateways gave back to Redis so far (their refunds_total counters). */
async function refundedLogins(): Promise<number> {
  let n = 0;
  for (const url of h.stack.gatewayUrls) {
    const res = await fetch(`${url}/__gateway/metrics`, { headers: { authorization: `Bearer ${h.metricsToken}` } });
    const { samples } = parsePrometheusText(await res.text());
    n += sumOf(samples, 'gatehouse_ratelimit_refunds_total', { policy: 'login-account', result: 'ok' });
  }
  return n;
}

describe('limits shared across two gateway hosts', () => {
  it('the gateways listen on different loopback addresses', () => {
    expect(h.stack.gatewayUrls.map((u) => new URL(u).hostname)).toEqual(['127.0.0.2', '127.0.0.3']);
  });

  it.each([
    { policy: 't-fixed', path: '/t/fixed/a', exact: true },
    { policy: 't-bucket', path: '/t/bucket/a', exact: true },
    { policy: 't-sliding', path: '/t/sliding/a', exact: false },
  ])('$policy: 60 concurrent requests over both hosts admit the limit of 10', async ({ policy, path: p, exact }) => {
    const ip = `203.0.113.${Math.floor(Math.random() * 200) + 20}`;
    const rs = await burst(p, ip, 60);
    const admitted = rs.filter((r) => r.status !== 429);
    expect(rs.every((r) => r.status === 429 || r.status === 404)).toBe(true);
    if (exact) expect(admitted.length).toBe(10);
    else {
      expect(admitted.length).toBeLessThanOrEqual(10);
      expect(admitted.length).toBeGreaterThan(0);
    }
    // Both hosts admitted and refused: the counter is shared, not per host.
    for (const host of ['127.0.0.2', '127.0.0.3'])
      expect(rs.some((r) => r.status === 429 && r.url.includes(host))).toBe(true);
    for (const r of rs) expect(r.headers.get('ratelimit-policy')).toBe(`"${policy}";q=10;w=3600`);
    for (const r of admitted) expect(r.headers.get('ratelimit')).toMatch(new RegExp(`^"${policy}";r=\\d;t=\\d+$`));
    const limited = rs.find((r) => r.status === 429)!;
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit')).toMatch(new RegExp(`^"${policy}";r=0;t=\\d+$`));
    // A later request on either host is still refused.
    const after = await burst(p, ip, 2);
    expect(after.map((r) => r.status)).toEqual([429, 429]);
  });

  it('another client address has its own budget', async () => {
    const rs = await burst('/t/fixed/b', '203.0.113.251', 4);
    expect(rs.map((r) => r.status)).toEqual([404, 404, 404, 404]);
  });

  it('a successful login gives its account token back (shared through Redis); failures use it up', async () => {
    const email = `rl-${randomUUID()}@example.org`;
    const password = 'correct horse battery staple';
    const post = (i: number, p: string, body: unknown) =>
      fetch(`${h.stack.gatewayUrls[i % 2]}${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.252' },
        body: JSON.stringify(body),
      }).then(async (r) => {
        await r.arrayBuffer();
        return r;
      });
    expect((await post(0, '/api/auth/signup', { email, password, name: 'Rate Limit' })).status).toBe(202);
    const refundedBefore = await refundedLogins();
    // login-account allows 5 per hour: 7 successful logins pass because each gives its token back.
    for (let i = 0; i < 7; i++) {
      const r = await post(i, '/api/auth/login', { email, password });
      expect(r.status).toBe(200);
      expect(r.headers.get('ratelimit-policy')).toContain('"login-account";q=5;w=3600');
    }
    // Refunds run after the response (waitUntil): wait until both hosts counted all seven.
    await vi.waitFor(async () => expect((await refundedLogins()) - refundedBefore).toBe(7), {
      timeout: 10_000,
      interval: 50,
    });
    const failed = [];
    for (let i = 0; i < 6; i++)
      failed.push((await post(i, '/api/auth/login', { email, password: 'wrong password!' })).status);
    expect(failed).toEqual([401, 401, 401, 401, 401, 429]);
    // Now even the right password waits for the window: the account is locked for guessing.
    expect((await post(0, '/api/auth/login', { email, password })).status).toBe(429);
  });

  it('metrics: Redis-sourced decisions on each host, behind the bearer token', async () => {
    const unauth = await fetch(`${h.stack.gatewayUrls[0]}/__gateway/metrics`);
    expect(unauth.status).toBe(401);
    for (const url of h.stack.gatewayUrls) {
      const text = await (
        await fetch(`${url}/__gateway/metrics`, { headers: { authorization: `Bearer ${h.metricsToken}` } })
      ).text();
      expect(text).toMatch(
        /gatehouse_ratelimit_decisions_total\{policy="t-fixed",source="redis",decision="allowed"\} \d+/,
      );
      expect(text).toMatch(
        /gatehouse_ratelimit_decisions_total\{policy="t-fixed",source="(redis|cache)",decision="limited"\} \d+/,
      );
      expect(text).toMatch(/gatehouse_ratelimit_redis_latency_seconds_count [1-9]\d*/);
      expect(text).toContain('gatehouse_ratelimit_circuit_state 0');
    }
  });
});
