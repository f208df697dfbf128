import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.ts';

/**
 * The access rules through the running gateway (workerd) in front of the real backend: golden paths
 * need no token, a protected route without one gets WAF_AUTH_001 from the gateway, a token the
 * backend issued (verified with the JWKS the gateway fetched, signed, from the backend) passes,
 * and identity headers can only come from the gateway.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const email = `access.${process.pid}.${Date.now()}@example.test`;
const password = 'correct horse battery staple';
const send = (path: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) =>
  fetch(`${stack.gatewayUrl}${path}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers: { ...(init.json === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
    redirect: 'manual',
  });

/** The problem code of a response, or null when it is not problem+json. */
async function codeOf(r: Response): Promise<string | null> {
  if (!(r.headers.get('content-type') ?? '').includes('problem+json')) return null;
  return ((await r.clone().json()) as { code?: string }).code ?? null;
}

let tokens: { access_token: string; refresh_token: string };

describe('golden paths need no prior token', () => {
  // [method, path, body, statuses that show the backend route itself answered successfully]
  const golden: [string, string, unknown, number[]][] = [
    ['POST', '/api/auth/signup', { email, password, name: 'Access Tester' }, [202]],
    ['POST', '/api/auth/login', { email, password }, [200]],
    ['GET', '/api/search?q=nursing', undefined, [200]],
    ['GET', '/api/scholarships', undefined, [200]],
    ['GET', '/api/scholarships/no-such-scholarship', undefined, [404]],
    [
      'POST',
      '/api/eligibility',
      { profile: { level: 'undergraduate', gpa: 3.5, state: 'CA', citizenship: 'us_citizen' } },
      [200, 400],
    ],
    ['POST', '/api/provider/login', { email: 'nobody@example.test', password }, [401]],
    ['POST', '/api/auth/password-reset', { email }, [202]],
    ['GET', '/robots.txt', undefined, [200]],
    ['GET', '/sitemap.xml', undefined, [200]],
    ['GET', '/.well-known/jwks.json', undefined, [200]],
    ['GET', '/scholarships', undefined, [200]],
    ['GET', '/login', undefined, [200]],
    ['GET', '/api/credits/packages', undefined, [200]],
    ['GET', '/provider', undefined, [302, 303]], // a page that needs login: the backend redirects, the gateway does not 401
  ];
  for (const [method, path, json, ok] of golden) {
    it(`${method} ${path}`, async () => {
      const r = await send(path, { method, json });
      expect(await codeOf(r)).not.toBe('WAF_AUTH_001');
      expect(r.status).not.toBe(403); // not refused by the gateway signature or CORS either
      expect(ok).toContain(r.status);
      if (path === '/api/auth/login') tokens = (await r.json()) as typeof tokens;
    });
  }

  it('POST /api/auth/refresh with the refresh token', async () => {
    const r = await send('/api/auth/refresh', { json: { refresh_token: tokens.refresh_token } });
    expect(r.status).toBe(200);
    tokens = (await r.json()) as typeof tokens;
  });
});

describe('protected routes', () => {
  it('GET /api/me without a token: 401 WAF_AUTH_001 from the gateway', async () => {
    const r = await send('/api/me');
    expect(r.status).toBe(401);
    expect(await codeOf(r)).toBe('WAF_AUTH_001');
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse"');
  });

  it('GET /api/me with the backend-issued token passes', async () => {
    const r = await send('/api/me', { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ email });
  });

  it('GET /api/me with the token in the gh_access cookie passes', async () => {
    const r = await send('/api/me', { headers: { cookie: `gh_access=${tokens.access_token}` } });
    expect(r.status).toBe(200);
  });

  it('a tampered token gets WAF_AUTH_001', async () => {
    const [h, p, s] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${s}`;
    const r = await send('/api/me', { headers: { authorization: `Bearer ${forged}` } });
    expect(r.status).toBe(401);
    expect(await codeOf(r)).toBe('WAF_AUTH_001');
    expect(r.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('a forged identity header from a client never reaches the backend', async () => {
    const forged = { 'x-gateway-user': '00000000-0000-0000-0000-000000000000', 'x-gateway-role': 'admin' };
    expect(await codeOf(await send('/api/me', { headers: forged }))).toBe('WAF_AUTH_001');
    const r = await send('/api/me', { headers: { ...forged, authorization: `Bearer ${tokens.access_token}` } });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ email, role: 'student' });
  });
});

describe('CORS and client classes through workerd', () => {
  it('answers a preflight from the local origin, refuses another', async () => {
    const ok = await send('/api/me', {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:8787', 'access-control-request-method': 'GET' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8787');
    const no = await send('/api/me', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(no.status).toBe(403);
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('shows debug headers to the QA range only', async () => {
    const qa = await send('/api/scholarships', { headers: { 'cf-connecting-ip': '198.51.100.20' } });
    expect(qa.headers.get('x-client-class')).toBe('qa');
    expect(qa.headers.get('x-waf-verdict')).toBeTruthy();
    const spoofed = await send('/robots.txt', {
      headers: { 'cf-connecting-ip': '203.0.113.9', 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1)' },
    });
    expect(spoofed.status).toBe(200);
    expect(spoofed.headers.get('x-client-class')).toBeNull();
    expect(spoofed.headers.get('x-waf-verdict')).toBeNull();
  });
});
