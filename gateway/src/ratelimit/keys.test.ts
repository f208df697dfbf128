import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../env.ts';
import { ipBucket, keyResolver, type KeyResult } from './keys.ts';

const keyOf = (r: KeyResult) => ('key' in r ? r.key : `missing:${r.missing}`);

/** Resolves every key kind for one request, the way the stage does (body not pre-read). */
async function keys(init: RequestInit & { ip?: string; user?: string; bodyBytes?: Uint8Array }) {
  const app = new Hono<GatewayEnv>();
  app.post('*', async (c) => {
    c.set('clientIp', init.ip ?? '192.0.2.1');
    c.set('identity', init.user ? { userId: init.user, role: 'student' } : undefined);
    c.set('body', init.bodyBytes);
    const k = keyResolver(c);
    const out = {
      ip: keyOf(await k('ip')),
      user: keyOf(await k('user')),
      account: keyOf(await k('account')),
      both: keyOf(await k('ip+account')),
    };
    // The body is still readable afterwards (the proxy forwards it).
    return c.json({ ...out, rest: await c.req.text() });
  });
  return (await app.request('/api/auth/login', { method: 'POST', ...init })).json() as Promise<
    Record<string, string | undefined>
  >;
}

const json = (o: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(o) });
const form = { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } };

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

  it('JSON with a charset or a +json type keys like plain application/json', async () => {
    const plain = (await keys(json({ email: 'ann@example.org' }))).account;
    for (const type of ['application/json; charset=utf-8', 'application/merge-patch+json'])
      expect((await keys({ headers: { 'content-type': type }, body: '{"email":"ann@example.org"}' })).account).toBe(
        plain,
      );
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
    { name: 'no email field', init: json({ user: 'x' }), missing: 'no_account' },
    { name: 'an empty email', init: json({ email: '  ' }), missing: 'no_account' },
    { name: 'JSON that is not an object', init: json(['a@b.c']), missing: 'no_account' },
    { name: 'a form without an email', init: { ...form, body: 'password=x' }, missing: 'no_account' },
    { name: 'email not a string', init: json({ email: ['a@b.c'] }), missing: 'email_not_text' },
    { name: 'email a number', init: json({ email: 5 }), missing: 'email_not_text' },
    {
      name: 'malformed JSON',
      init: { headers: { 'content-type': 'application/json' }, body: '{"email":' },
      missing: 'malformed_json',
    },
    {
      name: 'an empty JSON body',
      init: { headers: { 'content-type': 'application/json' }, body: '' },
      missing: 'malformed_json',
    },
    // The backend reads JSON only as application/json (or +json) and forms only urlencoded.
    {
      name: 'JSON sent as text/plain',
      init: { headers: { 'content-type': 'text/plain' }, body: '{"email":"a@b.c"}' },
      missing: 'unsupported_media_type',
    },
    // Bytes, not a string: a string body would get text/plain from the Request constructor.
    {
      name: 'no content type',
      init: { body: new TextEncoder().encode('{"email":"a@b.c"}') },
      missing: 'unsupported_media_type',
    },
    {
      name: 'a multipart form',
      init: { headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' },
      missing: 'unsupported_media_type',
    },
    // Issue 14, finding 3: padding used to make the key "absent", and the policy was skipped.
    {
      name: 'body over 8 KB',
      init: json({ email: 'ann@example.org', pad: 'x'.repeat(9000) }),
      missing: 'body_too_large',
    },
  ])('$name: the account key is reported missing ($missing), never silently absent', async ({ init, missing }) => {
    const k = await keys(init);
    expect(k.account).toBe(`missing:${missing}`);
    expect(k.both).toBe(`missing:${missing}`);
  });

  it('the body stage body over 8 KB is reported too large as well', async () => {
    const k = await keys({
      ...json({}),
      bodyBytes: new TextEncoder().encode(JSON.stringify({ email: 'a@b.c', p: 'x'.repeat(9000) })),
    });
    expect(k.account).toBe('missing:body_too_large');
  });

  // Issue 14, finding 5: per-IP keys count per network, /64 for IPv6 by default.
  it.each([
    ['192.0.2.7', { v4: 32, v6: 64 }, '192.0.2.7'],
    ['192.0.2.7', { v4: 24, v6: 64 }, '192.0.2.0/24'],
    ['2001:db8:1:2:aaaa::1', { v4: 32, v6: 64 }, '2001:db8:1:2::/64'],
    ['2001:db8:1:2:bbbb::9', { v4: 32, v6: 64 }, '2001:db8:1:2::/64'],
    ['2001:db8:1:2:bbbb::9', { v4: 32, v6: 48 }, '2001:db8:1::/48'],
    ['2001:db8::1', { v4: 32, v6: 128 }, '2001:db8::1'],
    ['unknown', { v4: 32, v6: 64 }, 'unknown'],
  ])('ip bucket of %s with %o is %s', (ip, prefix, bucket) => {
    expect(ipBucket(ip, prefix)).toBe(bucket);
  });

  it('user: the verified user id, else the client address', async () => {
    expect((await keys({ ...json({}), user: 'u-1' })).user).toBe('user:u-1');
    expect((await keys({ ...json({}), ip: '2001:db8::1' })).user).toBe('ip:2001:db8::/64');
  });
});
