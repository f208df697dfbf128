import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { SignJWT } from 'jose';
import {
  accessApp,
  accessRules,
  makeKeys,
  mintToken,
  stubBackend,
  unsignedToken,
  type Keys,
  type Upstream,
} from '../../../../test/support/gateway/access.ts';

let keys: Keys;
let other: Keys;
let up: Upstream;
let gw: ReturnType<typeof accessApp>;

beforeEach(async () => {
  keys = await makeKeys('key-1');
  other = await makeKeys('key-1'); // same kid, different key: a forger's guess
  up = stubBackend([keys.publicJwk]);
  gw = accessApp(accessRules());
});
afterEach(() => vi.unstubAllGlobals());

const bearer = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });

async function expectAuth001(r: Response, challenge: RegExp) {
  expect(r.status).toBe(401);
  expect(r.headers.get('content-type')).toBe('application/problem+json');
  expect(r.headers.get('www-authenticate')).toMatch(challenge);
  const body = (await r.json()) as { code: string; request_id: string };
  expect(body.code).toBe('WAF_AUTH_001');
  expect(body.request_id).toBe(r.headers.get('x-request-id'));
}

describe('JWT rule WAF_AUTH_001 on protected routes', () => {
  it('refuses a request without a token, before it reaches the backend', async () => {
    await expectAuth001(await gw.request('/api/me'), /^Bearer realm="gatehouse"$/);
    expect(up.seen).toHaveLength(0);
  });

  it('passes a valid Bearer token and forwards the identity in signed headers', async () => {
    const r = await gw.request('/api/me', bearer(await mintToken(keys, { sub: 'u-42', role: 'provider' })));
    expect(r.status).toBe(200);
    expect(up.seen[0].headers['x-gateway-user']).toBe('u-42');
    expect(up.seen[0].headers['x-gateway-role']).toBe('provider');
    expect(up.jwksFetches).toBe(1); // fetched from the backend with a valid gateway signature
  });

  it('accepts the token from the gh_access cookie', async () => {
    const r = await gw.request('/api/me', { headers: { cookie: `theme=dark; gh_access=${await mintToken(keys)}` } });
    expect(r.status).toBe(200);
  });

  const bad: { name: string; token: () => Promise<string> | string; reason: RegExp }[] = [
    { name: 'signed with another key (same kid)', token: () => mintToken(other), reason: /invalid/ },
    { name: 'alg: none', token: () => unsignedToken('key-1'), reason: /invalid/ },
    {
      name: 'HS256 signed with the public key as secret',
      token: () =>
        new SignJWT({ role: 'admin' })
          .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
          .setSubject('admin-1')
          .setIssuer('gatehouse')
          .setAudience('gatehouse-api')
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(JSON.stringify(keys.publicJwk))),
      reason: /invalid/,
    },
    { name: 'expired beyond the clock skew', token: () => mintToken(keys, { expOffset: -120 }), reason: /expired/ },
    {
      name: 'not valid yet (nbf beyond the skew)',
      token: () => mintToken(keys, { nbfOffset: 300 }),
      reason: /invalid/,
    },
    { name: 'for another audience', token: () => mintToken(keys, { aud: 'other-api' }), reason: /invalid/ },
    { name: 'from another issuer', token: () => mintToken(keys, { iss: 'evil' }), reason: /invalid/ },
    {
      name: 'with a role that is not an identifier',
      token: () => mintToken(keys, { role: 'admin\r\nx: y' }),
      reason: /role/,
    },
    { name: 'garbage', token: () => 'not.a.jwt', reason: /invalid/ },
  ];
  for (const c of bad) {
    it(`refuses a token ${c.name}`, async () => {
      const r = await gw.request('/api/me', bearer(await c.token()));
      await expectAuth001(r, /error="invalid_token"/);
      expect(r.headers.get('www-authenticate')).toMatch(c.reason);
      expect(up.seen).toHaveLength(0);
    });
  }

  it('tolerates a token that expired within the clock skew (30 s)', async () => {
    expect((await gw.request('/api/me', bearer(await mintToken(keys, { expOffset: -10 })))).status).toBe(200);
  });

  for (const path of ['/API/me', '/api/%6De', '/api/scholarships/x/../../me', '/api/search/extra']) {
    it(`judges ${path} in canonical form (no bypass by case, slashes or escapes)`, async () => {
      expect((await gw.request(path)).status).toBe(401);
    });
  }

  // Ambiguous shapes never reach the JWT rule: the canonical stage refuses them first.
  for (const path of ['//api/me', '/api/scholarships/..%2f..%2fme']) {
    it(`refuses ${path} before the JWT rule decides (PATH_NOT_CANONICAL)`, async () => {
      const r = await gw.request(path);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { code: string }).code).toBe('PATH_NOT_CANONICAL');
    });
  }

  it('keeps writes to exempt read-only paths protected', async () => {
    expect((await gw.request('/api/scholarships', { method: 'POST', body: '{}' })).status).toBe(401);
  });
});

describe('exempt routes', () => {
  const open: [string, string][] = [
    ['POST', '/api/auth/signup'],
    ['POST', '/api/auth/login'],
    ['POST', '/api/auth/refresh'],
    ['POST', '/api/provider/login'],
    ['POST', '/api/auth/password-reset'],
    ['POST', '/api/auth/password-reset/confirm'],
    ['POST', '/api/eligibility'],
    ['GET', '/api/search?q=nursing'],
    ['GET', '/api/scholarships'],
    ['GET', '/api/scholarships/stem-award-2027'],
    ['GET', '/api/credits/packages'],
    ['GET', '/api/dev/mailbox'],
    ['POST', '/webhooks/stripe'],
    ['GET', '/'],
    ['GET', '/scholarships'],
    ['GET', '/scholarships/stem-award-2027'],
    ['GET', '/search?q=x'],
    ['GET', '/login'],
    ['GET', '/signup'],
    ['GET', '/reset-password'],
    ['GET', '/provider/login'],
    ['GET', '/provider'],
    ['GET', '/robots.txt'],
    ['GET', '/sitemap.xml'],
    ['GET', '/sitemaps/1.xml'],
    ['GET', '/.well-known/jwks.json'],
    ['GET', '/healthz'],
    ['GET', '/readyz'],
  ];
  for (const [method, path] of open) {
    it(`${method} ${path} needs no token`, async () => {
      const r = await gw.request(path, { method, body: method === 'POST' ? '{}' : undefined });
      expect(r.status).toBe(200);
      if (path !== '/.well-known/jwks.json') expect(up.seen[0].headers['x-gateway-user']).toBeUndefined();
    });
  }

  it('verifies a token present on an exempt route and forwards its claims', async () => {
    const r = await gw.request('/api/scholarships', bearer(await mintToken(keys, { sub: 'u-7' })));
    expect(r.status).toBe(200);
    expect(up.seen[0].headers['x-gateway-user']).toBe('u-7');
  });

  it('ignores a bad token on an exempt route (no error, no identity)', async () => {
    const r = await gw.request('/api/scholarships', bearer(await mintToken(other, { sub: 'u-7' })));
    expect(r.status).toBe(200);
    expect(up.seen[0].headers['x-gateway-user']).toBeUndefined();
  });
});

describe('identity headers', () => {
  it('a forged identity header from a client never reaches the backend', async () => {
    const forged = { 'x-gateway-user': 'admin-1', 'x-gateway-role': 'admin', 'x-gateway-signature': 't=1,v1=00' };
    expect((await gw.request('/api/scholarships', { headers: forged })).status).toBe(200);
    expect(up.seen[0].headers['x-gateway-user']).toBeUndefined();
    expect(up.seen[0].headers['x-gateway-role']).toBeUndefined();

    const t = await mintToken(keys, { sub: 'u-1', role: 'student' });
    expect((await gw.request('/api/me', { headers: { ...forged, authorization: `Bearer ${t}` } })).status).toBe(200);
    expect(up.seen[1].headers['x-gateway-user']).toBe('u-1');
    expect(up.seen[1].headers['x-gateway-role']).toBe('student');
  });
});

describe('JWKS cache', () => {
  it('refetches on an unknown kid (key rotation), at most once per interval', async () => {
    let now = 1_000_000;
    const app = accessApp(
      accessRules((raw) => {
        raw.jwt.jwks.min_refetch_interval_seconds = 1;
      }),
      { now: () => now },
    );
    expect((await app.request('/api/me', bearer(await mintToken(keys)))).status).toBe(200);
    expect(up.jwksFetches).toBe(1);
    const rotated = await makeKeys('key-2');
    up.keys = [keys.publicJwk, rotated.publicJwk];
    // Within the interval the unknown kid cannot trigger a fetch.
    expect((await app.request('/api/me', bearer(await mintToken(rotated)))).status).toBe(401);
    expect(up.jwksFetches).toBe(1);
    now += 1100; // past the refetch interval
    expect((await app.request('/api/me', bearer(await mintToken(rotated)))).status).toBe(200);
    expect(up.jwksFetches).toBe(2);
    expect((await app.request('/api/me', bearer(await mintToken(keys)))).status).toBe(200);
    expect(up.jwksFetches).toBe(2);
  });

  it('concurrent first requests share one JWKS fetch', async () => {
    const t = await mintToken(keys);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => (await gw.request('/api/me', bearer(t))).status),
    );
    expect(statuses).toEqual(Array(10).fill(200));
    expect(up.jwksFetches).toBe(1);
  });

  it('does not let a flood of unknown kids become a flood of JWKS fetches', async () => {
    expect((await gw.request('/api/me', bearer(await mintToken(keys)))).status).toBe(200);
    for (let i = 0; i < 20; i++) {
      const stranger = await makeKeys(`kid-${i}`);
      expect((await gw.request('/api/me', bearer(await mintToken(stranger)))).status).toBe(401);
    }
    expect(up.jwksFetches).toBe(1); // the first fetch happened < 30 s ago
  });

  it('answers 503 on a protected route when the keys cannot be fetched, and serves exempt routes', async () => {
    up.jwksStatus = 503;
    const t = await mintToken(keys);
    const r = await gw.request('/api/me', bearer(t));
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('5');
    expect(((await r.json()) as { code: string }).code).toBe('SERVICE_UNAVAILABLE');
    expect((await gw.request('/api/scholarships', bearer(t))).status).toBe(200);
  });
});

describe('one credential for gateway and backend (issue 14, finding 9)', () => {
  it('refuses lower-case bearer <student> plus a provider cookie with 400 AMBIGUOUS_CREDENTIALS', async () => {
    const student = await mintToken(keys, { sub: 'student-1', role: 'student' });
    const provider = await mintToken(keys, { sub: 'provider-1', role: 'provider' });
    const r = await gw.request('/api/me', {
      headers: { authorization: `bearer ${student}`, cookie: `gh_access=${provider}` },
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { code: string }).code).toBe('AMBIGUOUS_CREDENTIALS');
    expect(up.seen).toHaveLength(0);
  });

  it('refuses it on an exempt route too (the backend would refuse it the same way)', async () => {
    const student = await mintToken(keys, { sub: 'student-1', role: 'student' });
    const r = await gw.request('/api/scholarships', {
      headers: { authorization: `Bearer ${student}`, cookie: 'gh_access=something-else' },
    });
    expect(r.status).toBe(400);
  });

  it('a lower-case scheme and the same token in the cookie are one credential, signed as such', async () => {
    const student = await mintToken(keys, { sub: 'student-1', role: 'student' });
    const r = await gw.request('/api/me', {
      method: 'POST',
      body: '{"a":1}',
      headers: {
        authorization: `bEaReR ${student}`,
        cookie: `gh_access=${student}`,
        'content-type': 'application/json',
      },
    });
    expect(r.status).toBe(200);
    // The stand-in backend verified the signature over this body and this credential.
    expect(up.seen[0].headers['x-gateway-user']).toBe('student-1');
  });
});
