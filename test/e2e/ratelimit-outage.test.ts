import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTwoHostLimitsStack } from '../support/redis-bridge/two-hosts.ts';

/**
 * Redis outages as the gateway sees them, on two workerd gateways sharing one bridge: the bridge
 * stopped (connection refused), hanging (timeout), and answering 401 (wrong token). Each time:
 * login fails closed (503, no brute force gets through), read-only GETs keep serving, writes run on
 * the reduced local limit; when the bridge is back, limits are shared again without a restart.
 * Policies: test/fixtures/limits/limits.yaml (t-write: 20 per hour, local factor 0.25 → 5), with the
 * 1000 ms Redis timeouts of login, t-read and t-write at 500 ms: while the bridge hangs, every request
 * the breaker lets through waits that long (the 'bridge hanging' cases took 20 s at 1000 ms).
 */
const h = useTwoHostLimitsStack({ redisTimeoutMs: 500 });
let ipSeq = 1;
/** A client address no other case uses (TEST-NET-3, outside the QA allowlist). */
const freshIp = () => `203.0.113.${100 + ipSeq++}`;

async function send(i: number, p: string, ip: string, init: RequestInit = {}) {
  const r = await fetch(`${h.stack.gatewayUrls[i % 2]}${p}`, {
    ...init,
    headers: { 'cf-connecting-ip': ip, 'content-type': 'application/json', ...init.headers },
  });
  const body = await r.text();
  return { status: r.status, headers: r.headers, body };
}
const login = (i: number, email: string, ip: string) =>
  send(i, '/api/auth/login', ip, { method: 'POST', body: JSON.stringify({ email, password: 'not-the-password' }) });
const limiterRefused = (s: number) => s === 429 || s === 503;

/** Polls both gateways until login is decided by Redis again (the breaker probes once a second). */
async function waitRecovered(): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const rs = await Promise.all([0, 1].map((i) => login(i, `probe-${randomUUID()}@example.org`, freshIp())));
    if (rs.every((r) => r.status !== 503)) return;
    if (Date.now() > deadline) throw new Error('limits did not recover within 20 s');
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function expectSharedLimit(): Promise<void> {
  const ip = freshIp();
  const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => send(i, '/t/fixed/recovered', ip)));
  expect(rs.filter((r) => r.status !== 429).length).toBe(10);
}

const OUTAGES = [
  { name: 'bridge stopped', reason: 'network', begin: () => h.bridge.stop(), end: () => h.bridge.start() },
  {
    name: 'bridge hanging',
    reason: 'timeout',
    begin: async () => h.bridge.setMode('hang'),
    end: async () => h.bridge.setMode('normal'),
  },
  {
    name: 'wrong token',
    reason: 'http',
    begin: async () => h.bridge.setToken('rotated-elsewhere'),
    end: async () => h.bridge.setToken(h.token),
  },
];

describe('Redis outage behaviour', () => {
  it('baseline: limits decided by Redis, headers on every limited route', async () => {
    // Both gateways answer logins from Redis first (a cold isolate's first round trip is the slowest).
    await waitRecovered();
    const l = await login(0, 'someone@example.org', freshIp());
    expect(limiterRefused(l.status)).toBe(false);
    expect(l.headers.get('ratelimit-policy')).toBe('"login-ip";q=1000;w=3600, "login-account";q=5;w=3600');
    expect(l.headers.get('ratelimit')).toMatch(/^"login-ip";r=\d+;t=\d+, "login-account";r=4;t=\d+$/);
    const g = await send(1, '/t/read/page', freshIp());
    expect(limiterRefused(g.status)).toBe(false);
    expect(g.headers.get('ratelimit-policy')).toBe('"t-read";q=1000;w=3600');
    await expectSharedLimit();
  });

  describe.each(OUTAGES)('$name', ({ begin, end }) => {
    beforeAll(async () => {
      await begin();
    });
    // Close the breaker before the next outage starts, so its first logins reach the bridge and
    // record that outage's own error kind (not circuit_open left over from this one).
    afterAll(async () => {
      await end();
      await waitRecovered();
    });

    it('login fails closed: 503 RATE_LIMIT_UNAVAILABLE with Retry-After, every attempt', async () => {
      const ip = freshIp();
      const rs = [];
      // Sequential, like a brute-force script; the same account from one address.
      for (let i = 0; i < 12; i++) rs.push(await login(i, 'victim@example.org', ip));
      for (const r of rs) {
        expect(r.status).toBe(503);
        expect(JSON.parse(r.body)).toMatchObject({ code: 'RATE_LIMIT_UNAVAILABLE', status: 503 });
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(r.headers.get('ratelimit-policy')).toContain('"login-account";q=5;w=3600');
      }
    });

    it('read-only GETs keep serving (fail open)', async () => {
      const ip = freshIp();
      for (let i = 0; i < 8; i++) {
        const r = await send(i, '/t/read/page', ip);
        expect(limiterRefused(r.status)).toBe(false);
        expect(r.headers.get('ratelimit-policy')).toBe('"t-read";q=1000;w=3600');
      }
    });

    it('writes run on the reduced local limit (20 x 0.25 = 5 per gateway)', async () => {
      const ip = freshIp();
      const statuses = [];
      for (let i = 0; i < 8; i++)
        statuses.push((await send(0, '/t/write/x', ip, { method: 'POST', body: '{}' })).status);
      expect(statuses.filter((s) => s !== 429).length).toBe(5);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);
      const r = await send(0, '/t/write/x', ip, { method: 'POST', body: '{}' });
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(r.headers.get('ratelimit')).toMatch(/^"t-write";r=0;t=\d+$/);
    });
  });

  it('after every outage: recovered without a restart, limits shared across hosts again', async () => {
    await waitRecovered();
    await expectSharedLimit();
  });

  it('each outage was counted by reason; the circuit opened and closed again', async () => {
    const text = await (
      await fetch(`${h.stack.gatewayUrls[0]}/__gateway/metrics`, {
        headers: { authorization: `Bearer ${h.metricsToken}` },
      })
    ).text();
    for (const o of OUTAGES) {
      expect(text).toMatch(
        new RegExp(
          `gatehouse_ratelimit_backend_errors_total\\{policy="login-(ip|account)",kind="${o.reason}"\\} [1-9]`,
        ),
      );
      expect(text).toMatch(
        new RegExp(
          `gatehouse_ratelimit_degraded_total\\{policy="t-write",mode="local",reason="(${o.reason}|circuit_open)"\\} [1-9]`,
        ),
      );
    }
    expect(text).toMatch(
      /gatehouse_ratelimit_degraded_total\{policy="login-account",mode="closed",reason="circuit_open"\} [1-9]/,
    );
    expect(text).toMatch(/gatehouse_ratelimit_circuit_transitions_total\{to="open"\} [1-9]/);
    expect(text).toMatch(/gatehouse_ratelimit_circuit_transitions_total\{to="closed"\} [1-9]/);
    expect(text).toContain('gatehouse_ratelimit_circuit_state 0');
  });
});
