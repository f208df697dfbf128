import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.ts';

/**
 * The auth flows through the real gateway (workerd) in front of the backend process: what a
 * browser or API client sees. Hard passwords must pass the WAF; the dev mailbox serves the reset link.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const HARD = `p'; DROP--"<x>`;
const email = `e2e.${process.pid}.${Date.now()}@example.test`;
const api = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${stack.gatewayUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });

describe('auth through the gateway', () => {
  it('signup, login, me, refresh, logout', async () => {
    const s = await api('/api/auth/signup', { email, password: HARD, name: "Aoife O'Brien" });
    expect(s.status).toBe(202);
    const l = await api('/api/auth/login', { email, password: HARD });
    expect(l.status).toBe(200);
    const tokens = (await l.json()) as { access_token: string; refresh_token: string };
    const me = await api('/api/me', undefined, { authorization: `Bearer ${tokens.access_token}` });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email, name: "Aoife O'Brien" });
    const r = await api('/api/auth/refresh', { refresh_token: tokens.refresh_token });
    expect(r.status).toBe(200);
    const next = (await r.json()) as { refresh_token: string };
    expect((await api('/api/auth/logout', { refresh_token: next.refresh_token })).status).toBe(204);
    expect((await api('/api/auth/refresh', { refresh_token: next.refresh_token })).status).toBe(401);
  });

  it('JWKS is public and verifies the tokens', async () => {
    const r = await api('/.well-known/jwks.json');
    expect(r.status).toBe(200);
    expect(((await r.json()) as { keys: unknown[] }).keys.length).toBe(1);
  });

  it('password reset with the token read from the dev mailbox', async () => {
    expect((await api('/api/auth/password-reset', { email })).status).toBe(202);
    const box = await api(`/api/dev/mailbox?to=${encodeURIComponent(email)}`);
    expect(box.status).toBe(200);
    const { items } = (await box.json()) as { items: { body: string }[] };
    const token = /token=([A-Za-z0-9_-]{43})/.exec(items[0].body)![1];
    expect((await api('/api/auth/password-reset/confirm', { token, password: `${HARD} v2` })).status).toBe(204);
    expect((await api('/api/auth/password-reset/confirm', { token, password: `${HARD} v3` })).status).toBe(400);
    expect((await api('/api/auth/login', { email, password: `${HARD} v2` })).status).toBe(200);
  });

  it('the login form works without JavaScript: 303 and cookies', async () => {
    const r = await fetch(`${stack.gatewayUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: stack.gatewayUrl, accept: 'text/html' },
      body: new URLSearchParams({ email, password: `${HARD} v2` }).toString(),
    });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/scholarships');
    expect(r.headers.getSetCookie().length).toBe(2);
  });
});
