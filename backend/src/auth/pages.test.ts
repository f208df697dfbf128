import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { ACCESS_COOKIE, REFRESH_COOKIE } from './middleware.ts';
import { HARD_PASSWORD, createProvider, signup, uniqueEmail } from '../../../test/support/auth.ts';

let t: TestBackend;
let origin: string;
beforeAll(async () => {
  t = await createTestBackend();
  origin = new URL(t.deps.env.PUBLIC_URL).origin;
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t?.close();
});

/** A form post as a browser without JavaScript sends it. */
function post(path: string, fields: Record<string, string>, headers: Record<string, string> = { origin }) {
  const h = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...headers };
  return t.request(path, { method: 'POST', headers: h, body: new URLSearchParams(fields).toString() });
}
const cookieValue = (r: Response, name: string) =>
  r.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]
    .slice(name.length + 1);

describe('GET pages', () => {
  it.each(['/login', '/signup', '/reset-password', '/provider/login'])('%s renders a plain form', async (path) => {
    const r = await t.request(path, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.headers.get('cache-control')).toBe('no-store');
    const html = await r.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toMatch(/<form[^>]*method="post"/);
    expect(html).not.toContain('<script');
  });
});

describe('login form', () => {
  it.each([
    ['/scholarships/abc?x=1', '/scholarships/abc?x=1'],
    ['//evil.example/x', '/scholarships'],
    ['/\\evil.example', '/scholarships'],
    ['https://evil.example/', '/scholarships'],
    ['/login', '/scholarships'],
  ])('returns to next=%s only when it is a same-origin path (→ %s)', async (next, expected) => {
    const u = await signup(t);
    const page = await t.request(`/login?next=${encodeURIComponent(next)}`, { headers: { accept: 'text/html' } });
    const hidden = /name="next" value="([^"]*)"/.exec(await page.text())?.[1];
    expect(hidden === undefined ? '/scholarships' : hidden.replace(/&amp;/g, '&')).toBe(expected);
    const r = await post('/login', { email: u.email, password: HARD_PASSWORD, next });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(expected);
  });

  it('303 to /scholarships with both httpOnly cookies; the cookie then authenticates', async () => {
    const u = await signup(t);
    const r = await post('/login', { email: u.email, password: HARD_PASSWORD });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/scholarships');
    const access = cookieValue(r, ACCESS_COOKIE)!;
    expect(cookieValue(r, REFRESH_COOKIE)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.headers.getSetCookie().every((c) => /HttpOnly/.test(c) && /SameSite=Lax/.test(c))).toBe(true);
    const me = await t.request('/api/me', { headers: { cookie: `${ACCESS_COOKIE}=${access}` } });
    expect(await me.json()).toMatchObject({ email: u.email });
  });

  it('wrong password: 401 page with an inline error, the email kept, the password not echoed, no cookies', async () => {
    const u = await signup(t);
    const typed = 'Wr0ng"<b>pass</b>';
    const r = await post('/login', { email: u.email, password: typed });
    expect(r.status).toBe(401);
    const html = await r.text();
    expect(html).toContain('Email or password is wrong.');
    expect(html).toContain(`value="${u.email}"`);
    expect(html).not.toContain('pass</b>');
    expect(html).not.toContain('Wr0ng');
    expect(r.headers.getSetCookie()).toEqual([]);
  });

  it('invalid fields: 400 with messages next to the fields', async () => {
    const r = await post('/login', { email: 'not-an-email', password: '' });
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).toContain('id="email-error"');
    expect(html).toContain('id="password-error"');
  });

  it('provider login page: providers land on /provider; students are refused', async () => {
    const p = await createProvider(t);
    const r = await post('/provider/login', { email: p.email, password: p.password });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/provider');
    const home = await t.request('/provider', {
      headers: { cookie: `${ACCESS_COOKIE}=${cookieValue(r, ACCESS_COOKIE)}`, accept: 'text/html' },
    });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(p.email);
    const s = await signup(t);
    const refused = await post('/provider/login', { email: s.email, password: s.password });
    expect(refused.status).toBe(401);
    expect(refused.headers.getSetCookie()).toEqual([]);
    const anon = await t.request('/provider');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/provider/login');
  });
});

describe('CSRF defence', () => {
  it.each<{ name: string; headers: Record<string, string> }>([
    { name: 'no Origin or Referer', headers: {} },
    { name: 'a foreign Origin', headers: { origin: 'https://evil.example' } },
    { name: 'Origin null', headers: { origin: 'null' } },
    { name: 'a foreign Referer', headers: { referer: 'https://evil.example/page' } },
    { name: 'a look-alike host', headers: { origin: 'http://127.0.0.1:8787.evil.example' } },
  ])('refuses a form post with $name', async ({ headers }) => {
    const u = await signup(t);
    const r = await post('/login', { email: u.email, password: HARD_PASSWORD }, headers);
    expect(r.status).toBe(403);
    expect(await r.text()).toContain('CSRF_REJECTED');
    expect(r.headers.getSetCookie()).toEqual([]);
  });

  it('accepts our own Referer, and the host the gateway saw', async () => {
    const u = await signup(t);
    expect(
      (await post('/login', { email: u.email, password: HARD_PASSWORD }, { referer: `${origin}/login` })).status,
    ).toBe(303);
    const viaGateway = {
      origin: 'http://localhost:8787',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'localhost:8787',
    };
    expect((await post('/login', { email: u.email, password: HARD_PASSWORD }, viaGateway)).status).toBe(303);
  });

  it('refuses other content types and oversized forms', async () => {
    const r = await t.request('/login', {
      method: 'POST',
      headers: { origin, 'content-type': 'text/plain' },
      body: 'email=a',
    });
    expect(r.status).toBe(415);
    const big = await post('/login', { email: 'a@b.test', password: 'x'.repeat(1024 * 1024) });
    expect(big.status).toBe(413);
  });
});

describe('signup form', () => {
  const mailsTo = async (email: string) =>
    (
      (await (await t.request(`/api/dev/mailbox?to=${encodeURIComponent(email)}`)).json()) as {
        items: { subject: string; body: string }[];
      }
    ).items;

  it("creates the account (O'Brien, hard password), mails a welcome, 303 to the login page", async () => {
    const email = uniqueEmail('form');
    const r = await post('/signup', { name: "Conor O'Brien", email, password: HARD_PASSWORD });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/login?signup=sent');
    expect(r.headers.getSetCookie()).toEqual([]);
    expect((await mailsTo(email)).map((m) => m.subject)).toEqual(['Welcome to Gatehouse']);
    const login = await post('/login', { email, password: HARD_PASSWORD });
    const me = await (
      await t.request('/api/me', { headers: { cookie: `${ACCESS_COOKIE}=${cookieValue(login, ACCESS_COOKIE)}` } })
    ).json();
    expect(me).toMatchObject({ name: "Conor O'Brien", email, role: 'student' });
  });

  it('re-renders with inline errors, escapes the name, never echoes the password', async () => {
    const r = await post('/signup', { name: '<script>alert(1)</script>', email: 'bad', password: 'short<pw>' });
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('id="email-error"');
    expect(html).toContain('id="password-error"');
    expect(html).not.toContain('short');
  });

  it('a registered email gets the same answer as a new one; the mailbox owner learns which it was', async () => {
    const u = await signup(t);
    const fresh = await post('/signup', { name: 'X', email: uniqueEmail('fresh'), password: HARD_PASSWORD });
    const r = await post('/signup', { name: 'X', email: u.email, password: HARD_PASSWORD });
    expect([r.status, r.headers.get('location'), r.headers.getSetCookie()]).toEqual([
      fresh.status,
      fresh.headers.get('location'),
      fresh.headers.getSetCookie(),
    ]);
    expect(await r.text()).toBe(await fresh.text());
    const mails = await mailsTo(u.email);
    expect(mails.map((m) => m.subject)).toContain('You already have a Gatehouse account');
    expect(mails.find((m) => m.subject.startsWith('You already'))!.body).toContain('/reset-password');
  });

  it('unknown or repeated fields are errors, not silently used', async () => {
    const r = await post('/signup', { name: 'X', email: uniqueEmail(), password: HARD_PASSWORD, role: 'admin' });
    expect(r.status).toBe(400);
    const body = `name=X&email=${encodeURIComponent(uniqueEmail())}&email=${encodeURIComponent(uniqueEmail())}&password=${encodeURIComponent(HARD_PASSWORD)}`;
    const r2 = await t.request('/signup', {
      method: 'POST',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(r2.status).toBe(400);
  });
});

describe('reset and logout forms', () => {
  it('request → mail → link page → new password → login', async () => {
    const u = await signup(t);
    const r = await post('/reset-password', { email: u.email });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('If an account exists');
    const unknown = await post('/reset-password', { email: uniqueEmail('ghost') });
    expect(unknown.status).toBe(200);
    const { items } = (await (await t.request(`/api/dev/mailbox?to=${encodeURIComponent(u.email)}`)).json()) as {
      items: { body: string }[];
    };
    const link = new URL(/https?:\/\/\S+/.exec(items[0].body)![0]);
    const token = link.searchParams.get('token')!;
    const page = await t.request(link.pathname + link.search, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(await page.text()).toContain(`name="token" value="${token}"`);

    const short = await post('/reset-password/confirm', { token, password: 'short' });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('id="password-error"');

    const done = await post('/reset-password/confirm', { token, password: 'a brand new passphrase' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/login?reset=done');
    expect((await post('/login', { email: u.email, password: 'a brand new passphrase' })).status).toBe(303);
    const used = await t.request(link.pathname + link.search, { headers: { accept: 'text/html' } });
    expect(used.status).toBe(400);
    expect(await used.text()).toContain('does not work');
    expect((await post('/reset-password/confirm', { token, password: 'another passphrase!' })).status).toBe(400);
  });

  it('a malformed token link shows the invalid page', async () => {
    const r = await t.request('/reset-password?token=%3Cscript%3E', { headers: { accept: 'text/html' } });
    expect(r.status).toBe(400);
    expect(await r.text()).not.toContain('<script>');
  });

  it('logout form revokes the session and clears the cookies', async () => {
    const u = await signup(t);
    const login = await post('/login', { email: u.email, password: HARD_PASSWORD });
    const refresh = cookieValue(login, REFRESH_COOKIE)!;
    const r = await post('/logout', {}, { origin, cookie: `${REFRESH_COOKIE}=${refresh}` });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/');
    expect(r.headers.getSetCookie().filter((c) => /Max-Age=0/.test(c)).length).toBe(2);
    expect((await t.request('/api/auth/refresh', { json: { refresh_token: refresh } })).status).toBe(401);
  });
});

describe('page sessions', () => {
  it('a lapsed access cookie is renewed from the refresh cookie on a page visit', async () => {
    let clock = Date.now();
    const t2 = await createTestBackend({ now: () => new Date(clock) });
    try {
      const p = await createProvider(t2);
      const login = await t2.request('/provider/login', {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: p.email, password: p.password }).toString(),
      });
      const cookie = `${ACCESS_COOKIE}=${cookieValue(login, ACCESS_COOKIE)}; ${REFRESH_COOKIE}=${cookieValue(login, REFRESH_COOKIE)}`;
      clock += 16 * 60_000;
      const onlyAccess = await t2.request('/provider', {
        headers: { cookie: `${ACCESS_COOKIE}=${cookieValue(login, ACCESS_COOKIE)}` },
      });
      expect(onlyAccess.status).toBe(303);
      const renewed = await t2.request('/provider', { headers: { cookie } });
      expect(renewed.status).toBe(200);
      expect(await renewed.text()).toContain(p.email);
      const fresh = cookieValue(renewed, REFRESH_COOKIE);
      expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(fresh).not.toBe(cookieValue(login, REFRESH_COOKIE));
      // The old refresh cookie was rotated: presenting it again is reuse and ends the session.
      const replay = await t2.request('/provider', { headers: { cookie } });
      expect(replay.status).toBe(303);
    } finally {
      await t2.close();
    }
  });
});
