import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ClientClass, GatewayEnv } from '../../env.ts';
import { LimitsRulesSchema } from '../../config/schema/limits.ts';
import { requestId } from '../request-id/index.ts';
import { CircuitBreaker } from '../../ratelimit/breaker.ts';
import { createBackend } from '../../ratelimit/backend.ts';
import type { LimiterBackend } from '../../ratelimit/degrade.ts';
import { BackendError } from '../../ratelimit/types.ts';
import { rateLimit } from './index.ts';
import { bundledRules } from '../../config/bundled.ts';

const why = { why: 'test policy only' };
const RULES = LimitsRulesSchema.parse({
  version: 1,
  policies: [
    {
      id: 'login-ip',
      match: { paths: ['/api/auth/login'], methods: ['POST'] },
      key: 'ip',
      algorithm: 'slidingWindow',
      limit: 5,
      window: '1 h',
      failure: { mode: 'closed', ...why },
    },
    {
      id: 'login-acct',
      match: { paths: ['/api/auth/login'], methods: ['POST'] },
      key: 'account',
      algorithm: 'fixedWindow',
      limit: 2,
      window: '1 h',
      failure: { mode: 'closed', ...why },
      refund_on_success: true,
    },
    {
      id: 'read',
      match: { paths: ['/*'], methods: ['GET'] },
      key: 'user',
      algorithm: 'fixedWindow',
      limit: 3,
      window: '1 h',
      failure: { mode: 'open', ...why },
    },
    {
      id: 'read-crawler',
      match: { paths: ['/*'], methods: ['GET'], clients: ['verified_crawler'] },
      key: 'ip',
      algorithm: 'fixedWindow',
      limit: 6,
      window: '1 h',
      failure: { mode: 'open', ...why },
    },
    {
      id: 'write',
      match: { paths: ['/api/w/*'], methods: ['POST'] },
      key: 'user',
      algorithm: 'tokenBucket',
      limit: 4,
      window: '1 h',
      failure: { mode: 'local', ...why, degraded_factor: 0.5 },
    },
  ],
});

interface Who {
  ip?: string;
  user?: string;
  client?: ClientClass;
  grants?: string[];
}

/** The stage between request-id and a handler answering the status asked in ?status=. */
function app(backend: LimiterBackend) {
  const a = new Hono<GatewayEnv>();
  a.use(requestId());
  a.use(async (c, next) => {
    const who = JSON.parse(c.req.header('x-test-who') ?? '{}') as Who;
    c.set('clientIp', who.ip ?? '192.0.2.1');
    if (who.user) c.set('identity', { userId: who.user, role: 'student' });
    if (who.client) c.set('clientClass', who.client);
    if (who.grants) c.set('grants', new Set(who.grants));
    await next();
  });
  a.use(rateLimit(RULES, { backend: () => backend }));
  a.all('*', (c) => c.json({ ok: true }, Number(c.req.query('status') ?? 200) as 200));
  return a;
}

const req = (a: Hono<GatewayEnv>, path: string, init: RequestInit & { who?: Who } = {}) =>
  a.request(path, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), 'x-test-who': JSON.stringify(init.who ?? {}) },
  });
const login = (a: Hono<GatewayEnv>, email: string, who: Who = {}, status = 401) =>
  req(a, `/api/auth/login?status=${status}`, {
    method: 'POST',
    who,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'x' }),
  });

/** A backend whose Redis is down (every call fails); memory fallback for local policies. */
function downBackend(): LimiterBackend {
  const ok = createBackend({});
  return {
    ...ok,
    kind: 'redis',
    breaker: new CircuitBreaker(),
    shared: () => ({
      limit: async () => {
        throw new BackendError('network', 'down');
      },
    }),
  };
}

describe('rate-limit stage', () => {
  it('429 problem+json with Retry-After and RateLimit headers once the limit is used', async () => {
    const a = app(createBackend({}));
    for (let i = 0; i < 3; i++) {
      const r = await req(a, '/page', { who: { ip: '192.0.2.10' } });
      expect(r.status).toBe(200);
      expect(r.headers.get('ratelimit-policy')).toBe('"read";q=3;w=3600');
      expect(r.headers.get('ratelimit')).toMatch(new RegExp(`^"read";r=${2 - i};t=\\d+$`));
    }
    const r = await req(a, '/page', { who: { ip: '192.0.2.10' } });
    expect(r.status).toBe(429);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(await r.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(r.headers.get('ratelimit')).toMatch(/^"read";r=0;t=\d+$/);
    // Another address is not affected.
    expect((await req(a, '/page', { who: { ip: '192.0.2.11' } })).status).toBe(200);
  });

  it('read keys by user when logged in, by IP otherwise', async () => {
    const a = app(createBackend({}));
    for (let i = 0; i < 3; i++) await req(a, '/p', { who: { ip: '192.0.2.20', user: 'u1' } });
    expect((await req(a, '/p', { who: { ip: '192.0.2.21', user: 'u1' } })).status).toBe(429);
    expect((await req(a, '/p', { who: { ip: '192.0.2.20', user: 'u2' } })).status).toBe(200);
    expect((await req(a, '/p', { who: { ip: '192.0.2.20' } })).status).toBe(200);
  });

  it('verified crawlers run on their own policy; skip_rate_limit skips', async () => {
    const a = app(createBackend({}));
    const crawler: Who = { ip: '192.0.2.30', client: 'verified_crawler' };
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await req(a, '/p', { who: crawler })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    const qa: Who = { ip: '192.0.2.31', grants: ['skip_rate_limit'] };
    for (let i = 0; i < 10; i++) {
      const r = await req(a, '/p', { who: qa });
      expect(r.status).toBe(200);
      expect(r.headers.get('ratelimit-policy')).toBeNull();
    }
  });

  it('a percent-encoded login path counts against the login policies (the same decoded path the backend routes on)', async () => {
    const a = app(createBackend({}));
    const enc = (ip: string) =>
      req(a, '/api/auth/%6cogin?status=401', {
        method: 'POST',
        who: { ip },
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'eve@example.org', password: 'x' }),
      });
    expect((await enc('192.0.2.50')).status).toBe(401);
    expect((await enc('192.0.2.51')).status).toBe(401);
    expect((await enc('192.0.2.52')).status).toBe(429);
  });

  it('login counts per account across addresses; failures count, a 2xx login gives its token back', async () => {
    const a = app(createBackend({}));
    expect((await login(a, 'Ann@Example.org', { ip: '192.0.2.40' })).status).toBe(401);
    expect((await login(a, 'ann@example.org ', { ip: '192.0.2.41' })).status).toBe(401);
    const r = await login(a, 'ann@example.org', { ip: '192.0.2.42' });
    expect(r.status).toBe(429);
    expect(r.headers.get('ratelimit-policy')).toBe('"login-ip";q=5;w=3600, "login-acct";q=2;w=3600');
    // Successful logins never use the account budget up.
    for (let i = 0; i < 4; i++) expect((await login(a, 'bob@example.org', { ip: '192.0.2.43' }, 200)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 10));
    expect((await login(a, 'bob@example.org', { ip: '192.0.2.44' }, 401)).status).toBe(401);
  });

  it('the shipped signup policies: a fourth signup for one email within the hour is refused, from any address', async () => {
    const a = new Hono<GatewayEnv>();
    a.use(requestId());
    a.use(async (c, next) => {
      c.set('clientIp', c.req.header('x-test-ip')!);
      await next();
    });
    const backend = createBackend({});
    a.use(rateLimit(bundledRules()['limits.yaml'], { backend: () => backend }));
    a.all('*', (c) => c.json({ status: 'accepted' }, 202));
    const signup = (email: string, ip: string) =>
      a.request('/api/auth/signup', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-ip': ip },
        body: JSON.stringify({ email, password: 'a-long-password', name: 'Mallory' }),
      });
    for (const ip of ['192.0.2.70', '198.51.100.71', '203.0.113.72'])
      expect((await signup('Victim@Example.org', ip)).status).toBe(202);
    const fourth = await signup('victim@example.org ', '192.0.2.73');
    expect(fourth.status).toBe(429);
    expect(fourth.headers.get('ratelimit-policy')).toContain('"auth-signup-account";q=3;w=3600');
    // Another mailbox is not affected.
    expect((await signup('someone.else@example.org', '192.0.2.73')).status).toBe(202);
  });

  // Issue 14, finding 3: a login padded past what the gateway reads for the account key used to
  // skip the per-account policy; a credential policy now refuses instead.
  it('credential policy without a key refuses: padded login 413, login without an email 400', async () => {
    const a = app(createBackend({}));
    const padded = await req(a, '/api/auth/login?status=401', {
      method: 'POST',
      who: { ip: '192.0.2.60' },
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'pad@example.org', password: 'x', pad: 'x'.repeat(9000) }),
    });
    expect(padded.status).toBe(413);
    expect(await padded.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
    const noEmail = await req(a, '/api/auth/login?status=401', {
      method: 'POST',
      who: { ip: '192.0.2.61' },
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'x' }),
    });
    expect(noEmail.status).toBe(400);
    expect(await noEmail.json()).toMatchObject({ code: 'RATE_LIMIT_KEY_MISSING', errors: [{ path: 'email' }] });
  });

  // Each unreadable login answers what the backend would for that body, never a misleading "email required".
  it.each([
    {
      name: 'malformed JSON',
      type: 'application/json',
      body: '{"email":',
      status: 400,
      code: 'MALFORMED_JSON',
      path: '(body)',
    },
    {
      name: 'an email that is not text',
      type: 'application/json',
      body: '{"email":5}',
      status: 400,
      code: 'VALIDATION_FAILED',
      path: 'email',
    },
    {
      name: 'JSON sent as text/plain',
      type: 'text/plain',
      body: '{"email":"a@b.c"}',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      path: undefined,
    },
  ])('credential policy without a key: $name answers $status $code', async ({ type, body, status, code, path }) => {
    const r = await req(app(createBackend({})), '/api/auth/login?status=401', {
      method: 'POST',
      who: { ip: '192.0.2.62' },
      headers: { 'content-type': type },
      body,
    });
    expect(r.status).toBe(status);
    const problem = (await r.json()) as { code: string; errors?: { path: string }[] };
    expect(problem.code).toBe(code);
    expect(problem.errors?.[0]?.path).toBe(path);
  });

  it('a policy with missing_key: skip is skipped when its key is missing', async () => {
    const rules = LimitsRulesSchema.parse({
      version: 1,
      policies: [{ ...RULES.policies[1], id: 'optional-acct', missing_key: 'skip' }],
    });
    const a = new Hono<GatewayEnv>();
    a.use(requestId());
    a.use(rateLimit(rules, { backend: () => createBackend({}) }));
    a.all('*', (c) => c.json({ ok: true }));
    for (let i = 0; i < 4; i++)
      expect((await a.request('/api/auth/login', { method: 'POST', body: '{}' })).status).toBe(200);
  });

  // Issue 14, finding 5: addresses of one IPv6 /64 share one per-IP counter.
  it('per-IP keys count an IPv6 /64 as one client', async () => {
    const a = app(createBackend({}));
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++)
      statuses.push((await login(a, `user${i}@example.org`, { ip: `2001:db8:5:6::${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('Redis down: login 503 RATE_LIMIT_UNAVAILABLE with Retry-After, reads open, writes on the local limit', async () => {
    const a = app(downBackend());
    const r = await login(a, 'eve@example.org');
    expect(r.status).toBe(503);
    expect(await r.json()).toMatchObject({ code: 'RATE_LIMIT_UNAVAILABLE' });
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 10; i++) {
      const g = await req(a, '/p', { who: { ip: '192.0.2.50' } });
      expect(g.status).toBe(200);
      expect(g.headers.get('ratelimit-policy')).toBe('"read";q=3;w=3600');
    }
    const writes = [];
    for (let i = 0; i < 3; i++) writes.push((await req(a, '/api/w/x', { method: 'POST', who: { user: 'w1' } })).status);
    expect(writes).toEqual([200, 200, 429]);
  });
});
