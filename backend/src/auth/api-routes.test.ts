import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { ephemeralSigningKeys } from '../../../test/support/signing-keys.ts';
import { SUITE_SCRYPT_LOG2N } from '../../../test/support/password-cost.ts';
import { signAccessToken } from './tokens.ts';
import { DEFAULT_SCRYPT_LOG2N, hashPassword, setPasswordHashCost } from './password.ts';
import { ACCESS_COOKIE, REFRESH_COOKIE } from './middleware.ts';
import { HARD_PASSWORD, createProvider, login, signup, uniqueEmail } from '../../../test/support/auth.ts';

let t: TestBackend;
beforeAll(async () => {
  t = await createTestBackend();
});
afterAll(async () => {
  await t?.close();
});

type Problem = { code: string; errors?: { path: string; message: string }[]; request_id: string };
const problemOf = async (r: Response) => {
  expect(r.headers.get('content-type')).toBe('application/problem+json');
  return (await r.json()) as Problem;
};

const mailsTo = async (email: string) =>
  (
    (await (await t.request(`/api/dev/mailbox?to=${encodeURIComponent(email)}`)).json()) as {
      items: { subject: string; body: string }[];
    }
  ).items;

/** Everything a client can see of an answer, less what differs per request (id, date). */
const outside = async (r: Response) => {
  const headers = [...r.headers].filter(([k]) => !['x-request-id', 'date', 'content-length'].includes(k));
  return { status: r.status, headers, cookies: r.headers.getSetCookie(), body: await r.json() };
};

describe('signup', () => {
  it('creates a student with a hard password and an apostrophe name; email normalized; 202, no session', async () => {
    const email = uniqueEmail('Mixed.Case');
    const r = await t.request('/api/auth/signup', {
      json: { email: `  ${email.toUpperCase()} `, password: HARD_PASSWORD, name: "Siobhán O'Brien" },
    });
    expect(r.status).toBe(202);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.getSetCookie()).toEqual([]);
    const body = (await r.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['detail', 'status']);
    expect(body.status).toBe('accepted');
    expect(JSON.stringify(body)).not.toContain('password');
    expect((await mailsTo(email.toLowerCase())).map((m) => m.subject)).toEqual(['Welcome to Gatehouse']);
    const tokens = await login(t, email.toLowerCase(), HARD_PASSWORD);
    const me = await t.request('/api/me', { token: tokens.access_token });
    expect(await me.json()).toMatchObject({ email: email.toLowerCase(), name: "Siobhán O'Brien", role: 'student' });
  });

  it('a registered email (any case) gets the same answer as a new one; its owner gets the mail, keeps the account', async () => {
    const u = await signup(t);
    const fresh = await t.request('/api/auth/signup', {
      json: { email: uniqueEmail('fresh'), password: 'another-long-pass', name: 'X' },
    });
    const again = await t.request('/api/auth/signup', {
      json: { email: u.email.toUpperCase(), password: 'another-long-pass', name: 'X' },
    });
    expect(await outside(again)).toEqual(await outside(fresh));
    const mails = await mailsTo(u.email);
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'Welcome to Gatehouse',
      'You already have a Gatehouse account',
    ]);
    const note = mails.find((m) => m.subject.startsWith('You already'))!.body;
    expect(note).toContain('http://127.0.0.1:8787/login');
    expect(note).toContain('http://127.0.0.1:8787/reset-password');
    expect(note).not.toContain('another-long-pass');
    // Nothing about the account changed: the old password works, the one sent again does not.
    await login(t, u.email, u.password);
    const wrong = await t.request('/api/auth/login', { json: { email: u.email, password: 'another-long-pass' } });
    expect(wrong.status).toBe(401);
  });

  it('a registered email still pays for a password hash (timing does not tell)', async () => {
    const u = await signup(t);
    // CPU time of this process (every thread: scrypt runs on libuv's pool), not wall time: other
    // processes' load on the machine (e2e files, Chromium) stretches wall time unevenly between
    // two measurements, while the CPU a hash takes stays put. Other backend files run in this
    // process's worker threads and add their CPU to both series alike; a taken-email answer without
    // the hash would still stay below half of one.
    const cpuMs = async (work: () => Promise<unknown>) => {
      const before = process.cpuUsage();
      await work();
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000;
    };
    const signupAs = async (email: string) =>
      expect(
        (await t.request('/api/auth/signup', { json: { email, password: HARD_PASSWORD, name: 'T' } })).status,
      ).toBe(202);
    const taken: number[] = [];
    const hash: number[] = [];
    // At the production cost: the suite's cheaper hashes (vitest.config.ts) are too close to the
    // cost of the rest of a request to tell the two paths apart. An answer that skipped the hash for
    // registered emails would use a few ms of CPU; one scrypt at this cost uses tens of ms or more.
    setPasswordHashCost(DEFAULT_SCRYPT_LOG2N);
    try {
      for (let i = 0; i < 3; i++) {
        taken.push(await cpuMs(() => signupAs(u.email)));
        hash.push(await cpuMs(() => hashPassword(HARD_PASSWORD)));
      }
    } finally {
      setPasswordHashCost(SUITE_SCRYPT_LOG2N);
    }
    expect(Math.min(...taken)).toBeGreaterThan(Math.min(...hash) / 2);
    // And a fresh signup answers the same way (status above), so the answer itself tells nothing.
    await signupAs(uniqueEmail());
  });

  const bad: { name: string; body: unknown; field: string }[] = [
    { name: 'short password', body: { email: uniqueEmail(), password: 'short', name: 'A' }, field: 'password' },
    {
      name: 'password over 200',
      body: { email: uniqueEmail(), password: 'x'.repeat(201), name: 'A' },
      field: 'password',
    },
    { name: 'bad email', body: { email: 'not-an-email', password: HARD_PASSWORD, name: 'A' }, field: 'email' },
    {
      name: 'oversized email',
      body: { email: 'a'.repeat(300) + '@example.test', password: HARD_PASSWORD, name: 'A' },
      field: 'email',
    },
    { name: 'empty name', body: { email: uniqueEmail(), password: HARD_PASSWORD, name: '   ' }, field: 'name' },
    {
      name: 'name over 120',
      body: { email: uniqueEmail(), password: HARD_PASSWORD, name: 'n'.repeat(121) },
      field: 'name',
    },
    {
      name: 'control chars in name',
      body: { email: uniqueEmail(), password: HARD_PASSWORD, name: 'a\u0000b' },
      field: 'name',
    },
    { name: 'wrong type', body: { email: uniqueEmail(), password: 1234567890123, name: 'A' }, field: 'password' },
    {
      name: 'unknown field',
      body: { email: uniqueEmail(), password: HARD_PASSWORD, name: 'A', role: 'admin' },
      field: 'role',
    },
    { name: 'missing field', body: { email: uniqueEmail(), password: HARD_PASSWORD }, field: 'name' },
  ];
  it.each(bad)('400 VALIDATION_FAILED naming the field: $name', async ({ body, field }) => {
    const r = await t.request('/api/auth/signup', { json: body });
    expect(r.status).toBe(400);
    const p = await problemOf(r);
    expect(p.code).toBe('VALIDATION_FAILED');
    expect(p.errors?.map((e) => e.path)).toContain(field);
    expect(JSON.stringify(p)).not.toContain(HARD_PASSWORD);
  });

  it('accepts a 200-character password, counted in characters', async () => {
    await signup(t, { password: '🔑'.repeat(200) });
  });

  it('malformed JSON → 400 MALFORMED_JSON; wrong content type → 415; 1 MB → 413', async () => {
    const headers = { 'content-type': 'application/json' };
    const r1 = await t.request('/api/auth/signup', { method: 'POST', headers, body: '{"email":' });
    expect(r1.status).toBe(400);
    expect((await problemOf(r1)).code).toBe('MALFORMED_JSON');
    const r2 = await t.request('/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(r2.status).toBe(415);
    const big = JSON.stringify({ email: uniqueEmail(), password: HARD_PASSWORD, name: 'x'.repeat(1024 * 1024) });
    const r3 = await t.request('/api/auth/signup', { method: 'POST', headers, body: big });
    expect(r3.status).toBe(413);
    expect((await problemOf(r3)).code).toBe('BODY_TOO_LARGE');
    const r4 = await t.request('/api/auth/signup', { method: 'POST', headers, body: '[1,2]' });
    expect(r4.status).toBe(400);
  });
});

describe('login', () => {
  it('returns an OAuth 2 token response and httpOnly cookies', async () => {
    const u = await signup(t);
    const r = await t.request('/api/auth/login', { json: { email: u.email, password: u.password } });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const body = (await r.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const cookies = r.headers.getSetCookie();
    const access = cookies.find((c) => c.startsWith(`${ACCESS_COOKIE}=`))!;
    const refresh = cookies.find((c) => c.startsWith(`${REFRESH_COOKIE}=`))!;
    for (const c of [access, refresh]) {
      expect(c).toMatch(/HttpOnly/);
      expect(c).toMatch(/SameSite=Lax/);
      expect(c).not.toMatch(/Secure/); // PUBLIC_URL is http in tests
    }
    expect(access).toContain(String(body.access_token));
    const me = await t.request('/api/me', { token: String(body.access_token) });
    expect(await me.json()).toMatchObject({ id: u.id, email: u.email, role: 'student', profile: null });
  });

  it('cookies are Secure when PUBLIC_URL is https; the password is stored as scrypt only', async () => {
    const t2 = await createTestBackend({ env: { PUBLIC_URL: 'https://scholarships.example.org' } });
    try {
      const u = await signup(t2);
      const r = await t2.request('/api/auth/login', { json: { email: u.email, password: u.password } });
      expect(r.headers.getSetCookie().length).toBe(2);
      expect(r.headers.getSetCookie().every((c) => /; Secure/.test(c))).toBe(true);
      const { users } = await import('../db/schema/index.ts');
      const rows = await t2.deps.db.select({ hash: users.passwordHash }).from(users);
      expect(rows[0].hash).toMatch(new RegExp(`^scrypt\\$${2 ** SUITE_SCRYPT_LOG2N}\\$8\\$1\\$`));
      expect(rows[0].hash).not.toContain(u.password);
    } finally {
      await t2.close();
    }
  });

  it('the same 401 for an unknown email and a wrong password', async () => {
    const u = await signup(t);
    const wrong = await t.request('/api/auth/login', { json: { email: u.email, password: 'wrong-password-123' } });
    const unknown = await t.request('/api/auth/login', {
      json: { email: uniqueEmail('nobody'), password: 'wrong-password-123' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await problemOf(wrong), await problemOf(unknown)];
    expect(a.code).toBe('INVALID_CREDENTIALS');
    expect({ ...a, request_id: '' }).toEqual({ ...b, request_id: '' });
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it('rejects unknown fields and wrong types', async () => {
    const r = await t.request('/api/auth/login', { json: { email: uniqueEmail(), password: 'x', remember: true } });
    expect(r.status).toBe(400);
    expect((await problemOf(r)).errors?.map((e) => e.path)).toContain('remember');
    const r2 = await t.request('/api/auth/login', { json: { email: ['a'], password: 'x' } });
    expect((await problemOf(r2)).errors?.map((e) => e.path)).toContain('email');
  });

  it('providers log in at both endpoints; students are refused at the provider login like a wrong password', async () => {
    const p = await createProvider(t);
    const tokens = await login(t, p.email, p.password, '/api/provider/login');
    const me = await (await t.request('/api/me', { token: tokens.access_token })).json();
    expect(me).toMatchObject({ role: 'provider', profile: null });
    await login(t, p.email, p.password);
    const s = await signup(t);
    const r = await t.request('/api/provider/login', { json: { email: s.email, password: s.password } });
    expect(r.status).toBe(401);
    expect((await problemOf(r)).code).toBe('INVALID_CREDENTIALS');
  });
});

describe('access tokens', () => {
  let user: Awaited<ReturnType<typeof signup>>;
  beforeAll(async () => {
    user = await signup(t);
  });
  const cfg = () => ({ keys: t.deps.keys, issuer: t.deps.env.JWT_ISSUER, audience: t.deps.env.JWT_AUDIENCE });

  it('missing → 401 UNAUTHENTICATED with WWW-Authenticate', async () => {
    const r = await t.request('/api/me');
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('Bearer');
    expect((await problemOf(r)).code).toBe('UNAUTHENTICATED');
  });

  it('the access cookie works like the Bearer header', async () => {
    const token = await signAccessToken(cfg(), { sub: user.id, role: 'student' });
    const r = await t.request('/api/me', { headers: { cookie: `${ACCESS_COOKIE}=${token}` } });
    expect(r.status).toBe(200);
  });

  const cases: { name: string; make: () => Promise<string> }[] = [
    {
      name: 'expired (signed 16 minutes ago)',
      make: () => signAccessToken(cfg(), { sub: user.id, role: 'student' }, Date.now() - 16 * 60_000),
    },
    {
      name: 'not yet valid (signed 5 minutes ahead)',
      make: () => signAccessToken(cfg(), { sub: user.id, role: 'student' }, Date.now() + 5 * 60_000),
    },
    {
      name: 'tampered payload',
      make: async () => {
        const [h, p, s] = (await signAccessToken(cfg(), { sub: user.id, role: 'student' })).split('.');
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
        return [h, Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url'), s].join('.');
      },
    },
    {
      name: 'tampered signature',
      make: async () => {
        const tok = await signAccessToken(cfg(), { sub: user.id, role: 'student' });
        return tok.slice(0, -4) + (tok.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      },
    },
    {
      name: 'another key',
      make: async () =>
        signAccessToken({ ...cfg(), keys: await ephemeralSigningKeys() }, { sub: user.id, role: 'student' }),
    },
    {
      name: 'another audience',
      make: () => signAccessToken({ ...cfg(), audience: 'someone-else' }, { sub: user.id, role: 'student' }),
    },
    {
      name: 'alg none',
      make: async () => {
        const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: user.id, role: 'student', iss: 'gatehouse', aud: 'gatehouse-api', iat: now, exp: now + 600 })}.`;
      },
    },
    { name: 'garbage', make: async () => 'not.a.jwt' },
  ];
  it.each(cases)('$name → 401 INVALID_TOKEN', async ({ make }) => {
    const r = await t.request('/api/me', { token: await make() });
    expect(r.status).toBe(401);
    expect((await problemOf(r)).code).toBe('INVALID_TOKEN');
  });

  it('expiry follows the injected clock', async () => {
    let clock = Date.now();
    const t2 = await createTestBackend({ now: () => new Date(clock) });
    try {
      const u = await signup(t2);
      const { access_token } = await login(t2, u.email, u.password);
      expect((await t2.request('/api/me', { token: access_token })).status).toBe(200);
      clock += 16 * 60_000;
      expect((await t2.request('/api/me', { token: access_token })).status).toBe(401);
    } finally {
      await t2.close();
    }
  });
});

describe('jwks', () => {
  it('publishes the public key only, cacheable for 5 minutes, and it verifies our tokens', async () => {
    const r = await t.request('/.well-known/jwks.json');
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toContain('max-age=300');
    const jwks = (await r.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: t.deps.keys.kid });
    expect(jwks.keys[0].d).toBeUndefined();
    const { createLocalJWKSet, jwtVerify } = await import('jose');
    const u = await signup(t);
    const { access_token } = await login(t, u.email, u.password);
    const { payload, protectedHeader } = await jwtVerify(access_token, createLocalJWKSet(jwks as never), {
      issuer: 'gatehouse',
      audience: 'gatehouse-api',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sub: u.id, role: 'student' });
  });
});
