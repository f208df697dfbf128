import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../env.ts';
import { keyResolver } from './keys.ts';

/** Resolves every key kind for one request, the way the stage does (body not pre-read). */
async function keys(init: RequestInit & { ip?: string; user?: string; bodyBytes?: Uint8Array }) {
  const app = new Hono<GatewayEnv>();
  app.post('*', async (c) => {
    c.set('clientIp', init.ip ?? '192.0.2.1');
    c.set('identity', init.user ? { userId: init.user, role: 'student' } : undefined);
    c.set('body', init.bodyBytes);
    const k = keyResolver(c);
    const out = { ip: await k('ip'), user: await k('user'), account: await k('account'), both: await k('ip+account') };
    // The body is still readable afterwards (the proxy forwards it).
    return c.json({ ...out, rest: await c.req.text() });
  });
  return (await app.request('/api/auth/login', { method: 'POST', ...init })).json() as Promise<
    Record<string, string | undefined>
  >;
}

const json = (o: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(o) });

describe('rate-limit keys', () => {
  it('account: hashed, case- and space-insensitive; never the raw email', async () => {
    const a = await keys(json({ email: 'Ann@Example.org', password: 'x' }));
    const b = await keys(json({ email: ' ann@example.org ', password: 'y' }));
    expect(a.account).toMatch(/^acct:[0-9a-f]{32}$/);
    expect(a.account).toBe(b.account);
    expect(`${a.account} ${a.both}`).not.toMatch(/ann|example/i);
    expect(a.both).toBe(`ipacct:192.0.2.1:${a.account!.slice(5)}`);
    expect(a.rest).toContain('Ann@Example.org');
  });

  it('an HTML form post keys like the JSON API', async () => {
    const form = await keys({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=ann%40example.org&password=x',
    });
    expect(form.account).toBe((await keys(json({ email: 'ann@example.org' }))).account);
  });

  it('the body read by the body stage is used when present', async () => {
    const viaStage = await keys({
      ...json({ email: 'zed@example.org' }),
      bodyBytes: new TextEncoder().encode(JSON.stringify({ email: 'ann@example.org' })),
    });
    expect(viaStage.account).toBe((await keys(json({ email: 'ann@example.org' }))).account);
  });

  it.each([
    { name: 'no email field', init: json({ user: 'x' }) },
    { name: 'email not a string', init: json({ email: ['a@b.c'] }) },
    { name: 'malformed JSON', init: { headers: { 'content-type': 'application/json' }, body: '{"email":' } },
    { name: 'body over 8 KB', init: json({ email: 'ann@example.org', pad: 'x'.repeat(9000) }) },
  ])('$name: no account key (the policy is skipped)', async ({ init }) => {
    const k = await keys(init);
    expect(k.account).toBeUndefined();
    expect(k.both).toBeUndefined();
  });

  it('user: the verified user id, else the client address', async () => {
    expect((await keys({ ...json({}), user: 'u-1' })).user).toBe('user:u-1');
    expect((await keys({ ...json({}), ip: '2001:db8::1' })).user).toBe('ip:2001:db8::1');
  });
});
