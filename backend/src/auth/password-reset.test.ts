import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { mailbox, passwordResets } from '../db/schema/index.ts';
import { startSmtpSink } from '../../../test/support/smtp-sink.ts';
import { hashToken } from './opaque-token.ts';
import { HARD_PASSWORD, login, signup, uniqueEmail, type Tokens } from '../../../test/support/auth.ts';
import { signedRequestInit } from '../../../test/support/sign.ts';
import { parseEnv } from '../env.ts';

let clock = Date.now();
let t: TestBackend;
const printed: string[] = [];
beforeAll(async () => {
  t = await createTestBackend({ now: () => new Date(clock) });
  vi.spyOn(console, 'log').mockImplementation((line: string) => {
    printed.push(String(line));
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t?.close();
});
afterEach(() => {
  clock = Date.now();
});

const NEW_PASSWORD = `n3w "pass" <y> ';--`;
const codeOf = async (r: Response) => ((await r.json()) as { code: string }).code;
const requestReset = (email: string) => t.request('/api/auth/password-reset', { json: { email } });
const confirm = (token: string, password = NEW_PASSWORD) =>
  t.request('/api/auth/password-reset/confirm', { json: { token, password } });

async function tokenFromMailbox(email: string): Promise<string> {
  const r = await t.request(`/api/dev/mailbox?to=${encodeURIComponent(email)}`);
  expect(r.status).toBe(200);
  const { items } = (await r.json()) as { items: { body: string; subject: string }[] };
  const m = /reset-password\?token=([A-Za-z0-9_-]{43})/.exec(items[0]?.body ?? '');
  if (!m) throw new Error('no reset mail');
  return m[1];
}

describe('password reset', () => {
  it('mails a single-use link; the new password works, the old one and all sessions end', async () => {
    const u = await signup(t);
    const before: Tokens = await login(t, u.email, u.password);
    const r = await requestReset(u.email.toUpperCase());
    expect(r.status).toBe(202);
    const token = await tokenFromMailbox(u.email);
    expect(
      printed.some((l) => l.includes(u.email) && l.includes(`${t.deps.env.PUBLIC_URL}/reset-password?token=${token}`)),
    ).toBe(true);
    const [row] = await t.deps.db
      .select()
      .from(passwordResets)
      .where(eq(passwordResets.tokenHash, hashToken(token)));
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(30 * 60_000);
    const all = await t.deps.db.select({ h: passwordResets.tokenHash }).from(passwordResets);
    expect(all.some((x) => x.h === token)).toBe(false); // stored hashed only

    expect((await confirm(token)).status).toBe(204);
    await login(t, u.email, NEW_PASSWORD);
    expect((await t.request('/api/auth/login', { json: { email: u.email, password: HARD_PASSWORD } })).status).toBe(
      401,
    );
    const refresh = await t.request('/api/auth/refresh', { json: { refresh_token: before.refresh_token } });
    expect(refresh.status).toBe(401);

    const again = await confirm(token, 'yet-another-password');
    expect(again.status).toBe(400);
    expect(await codeOf(again)).toBe('RESET_TOKEN_INVALID');
  });

  it('no enumeration: an unknown email gets the same 202 and no mail is written', async () => {
    const count = async () => (await t.deps.db.select({ id: mailbox.id }).from(mailbox)).length;
    const known = await signup(t); // its welcome mail lands before the count
    const n = await count();
    const a = await requestReset(known.email);
    const b = await requestReset(uniqueEmail('ghost'));
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(await b.json()).toEqual(await a.json());
    expect(await count()).toBe(n + 1);
  });

  it('expires after 30 minutes', async () => {
    const u = await signup(t);
    await requestReset(u.email);
    const token = await tokenFromMailbox(u.email);
    clock += 30 * 60_000 + 1000;
    const r = await confirm(token);
    expect(r.status).toBe(400);
    expect(await codeOf(r)).toBe('RESET_TOKEN_INVALID');
    await login(t, u.email, u.password); // unchanged
  });

  it('using one link closes the other open links of the account', async () => {
    const u = await signup(t);
    await requestReset(u.email);
    const first = await tokenFromMailbox(u.email);
    await requestReset(u.email);
    const second = await tokenFromMailbox(u.email);
    expect(second).not.toBe(first);
    expect((await confirm(second)).status).toBe(204);
    expect((await confirm(first)).status).toBe(400);
  });

  it('concurrent confirms with one token: exactly one wins', async () => {
    const u = await signup(t);
    await requestReset(u.email);
    const token = await tokenFromMailbox(u.email);
    const results = await Promise.all([
      confirm(token, 'first-password-1'),
      confirm(token, 'second-password-2'),
      confirm(token, 'third-password-3'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 400, 400]);
  });

  it.each([
    {
      name: 'unknown token',
      path: '/api/auth/password-reset/confirm',
      body: { token: 'A'.repeat(43), password: NEW_PASSWORD },
      status: 400,
      code: 'RESET_TOKEN_INVALID',
    },
    {
      name: 'malformed token',
      path: '/api/auth/password-reset/confirm',
      body: { token: 'abc', password: NEW_PASSWORD },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'short new password',
      path: '/api/auth/password-reset/confirm',
      body: { token: 'A'.repeat(43), password: 'short' },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'unknown field on confirm',
      path: '/api/auth/password-reset/confirm',
      body: { token: 'A'.repeat(43), password: NEW_PASSWORD, email: 'x@y.z' },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'unknown field on request',
      path: '/api/auth/password-reset',
      body: { email: 'a@b.test', redirect: 'https://evil.test' },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'bad email on request',
      path: '/api/auth/password-reset',
      body: { email: 'nope' },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'wrong type on request',
      path: '/api/auth/password-reset',
      body: { email: { $ne: null } },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ])('$name → $status $code', async ({ path, body, status, code }) => {
    const r = await t.request(path, { json: body });
    expect(r.status).toBe(status);
    expect(await codeOf(r)).toBe(code);
  });

  it('a 1 MB body is refused with 413', async () => {
    const r = await t.request('/api/auth/password-reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a'.repeat(1024 * 1024) }),
    });
    expect(r.status).toBe(413);
  });
});

describe('dev mailbox', () => {
  it.each([
    ['a forwarded public client', { 'x-forwarded-for': '203.0.113.7' }, undefined],
    ['a forwarded chain with one public hop', { 'x-forwarded-for': '127.0.0.1, 198.51.100.2' }, undefined],
    ['a public TCP peer', {}, '203.0.113.7'],
    ['a public TCP peer claiming loopback', { 'x-forwarded-for': '127.0.0.1' }, '198.51.100.2'],
  ])('is refused (403) to %s (issue 14, finding 11)', async (_name, headers, peer) => {
    const url = new URL(`/api/dev/mailbox?to=${encodeURIComponent('a@b.test')}`, 'http://backend.test');
    const init = await signedRequestInit(url, { headers });
    const env = peer ? { incoming: { socket: { remoteAddress: peer } } } : undefined;
    const r = await t.app.request(url.toString(), init, env);
    expect(r.status).toBe(403);
    expect(await codeOf(r)).toBe('FORBIDDEN');
  });

  it.each([
    ['a loopback TCP peer', '127.0.0.1', {}],
    ['an IPv6 loopback peer with a loopback forwarded client', '::1', { 'x-forwarded-for': '::ffff:127.0.0.1' }],
  ])('answers %s', async (_name, peer, headers) => {
    const url = new URL(`/api/dev/mailbox?to=${encodeURIComponent('a@b.test')}`, 'http://backend.test');
    const init = await signedRequestInit(url, { headers });
    const r = await t.app.request(url.toString(), init, { incoming: { socket: { remoteAddress: peer } } });
    expect(r.status).toBe(200);
  });

  it('DEV_MAILBOX=true with APP_ENV=production stops the start, naming the variable', () => {
    expect(() =>
      parseEnv({ GATEWAY_SHARED_SECRET: 'x'.repeat(20), DEV_MAILBOX: 'true', APP_ENV: 'production' }),
    ).toThrow(/DEV_MAILBOX: the dev mailbox never runs in production/);
  });

  it('needs a valid address', async () => {
    expect((await t.request('/api/dev/mailbox')).status).toBe(400);
    expect((await t.request('/api/dev/mailbox?to=nope')).status).toBe(400);
  });

  it.each<{ name: string; env: Record<string, string> }>([
    { name: 'SMTP_URL set', env: { SMTP_URL: 'smtp://127.0.0.1:1' } },
    { name: 'public host without DEV_MAILBOX', env: { PUBLIC_URL: 'https://scholarships.example.org' } },
    { name: 'DEV_MAILBOX=false', env: { DEV_MAILBOX: 'false' } },
    { name: 'NODE_ENV=production (loopback PUBLIC_URL)', env: { NODE_ENV: 'production' } },
    { name: 'APP_ENV=production (loopback PUBLIC_URL)', env: { APP_ENV: 'production' } },
  ])('is absent (404) when $name', async ({ env }) => {
    const t2 = await createTestBackend({ env });
    try {
      const r = await t2.request('/api/dev/mailbox?to=a@b.test');
      expect(r.status).toBe(404);
    } finally {
      await t2.close();
    }
  });
});

describe('SMTP transport', () => {
  it("sends signup's 'you already have an account' mail to the relay, not the dev mailbox", async () => {
    const sink = await startSmtpSink();
    const t2 = await createTestBackend({ env: { SMTP_URL: `smtp://127.0.0.1:${sink.port}` } });
    try {
      const u = await signup(t2);
      await vi.waitFor(() => expect(sink.received.length).toBe(1), { timeout: 5000 });
      const again = await t2.request('/api/auth/signup', {
        json: { email: u.email, password: HARD_PASSWORD, name: 'Y' },
      });
      expect(again.status).toBe(202);
      await vi.waitFor(() => expect(sink.received.length).toBe(2), { timeout: 5000 });
      const [head, body] = sink.received[1].data.split('\r\n\r\n');
      expect(sink.received[1].to).toEqual([u.email]);
      expect(head).toContain('Subject: You already have a Gatehouse account');
      const text = Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8');
      expect(text).toContain('/login');
      expect(text).toContain('/reset-password');
      expect((await t2.deps.db.select().from(mailbox)).length).toBe(0);
    } finally {
      await t2.close();
      await sink.close();
    }
  });

  it('delivers the reset mail to the relay; the link in it works', async () => {
    const sink = await startSmtpSink();
    const t2 = await createTestBackend({
      env: { SMTP_URL: `smtp://mailer:s%40cret@127.0.0.1:${sink.port}`, MAIL_FROM: 'noreply@gatehouse.test' },
    });
    try {
      const u = await signup(t2);
      // Signup's welcome goes through the relay too; the reset mail is the second.
      await vi.waitFor(() => expect(sink.received.length).toBe(1), { timeout: 5000 });
      expect((await t2.request('/api/auth/password-reset', { json: { email: u.email } })).status).toBe(202);
      await vi.waitFor(() => expect(sink.received.length).toBe(2), { timeout: 5000 });
      const m = sink.received[1];
      expect(m.from).toBe('noreply@gatehouse.test');
      expect(m.to).toEqual([u.email]);
      expect(Buffer.from(m.auth ?? '', 'base64').toString()).toBe('\0mailer\0s@cret');
      const [head, body] = m.data.split('\r\n\r\n');
      expect(head).toContain('Subject: Reset your Gatehouse password');
      expect(head).toContain('Content-Transfer-Encoding: base64');
      const text = Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8');
      const token = /token=([A-Za-z0-9_-]{43})/.exec(text)![1];
      const ok = await t2.request('/api/auth/password-reset/confirm', { json: { token, password: NEW_PASSWORD } });
      expect(ok.status).toBe(204);
      expect((await t2.deps.db.select().from(mailbox)).length).toBe(0); // nothing in the dev mailbox
    } finally {
      await t2.close();
      await sink.close();
    }
  });
});
