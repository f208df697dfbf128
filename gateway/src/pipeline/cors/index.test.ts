import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  accessApp,
  accessRules,
  makeKeys,
  stubBackend,
  type Upstream,
} from '../../../../test/support/gateway/access.ts';

const ALLOWED = [
  'http://localhost:8787',
  'http://127.0.0.1:8787',
  'https://qa.gatehouse.example',
  'https://gatehouse.example',
];
const DENIED = [
  'https://evil.example',
  'null',
  'http://localhost:8788',
  'https://gatehouse.example.evil.example',
  'https://qa.gatehouse.example:444',
  'http://gatehouse.example',
  'HTTPS://GATEHOUSE.EXAMPLE',
];

let up: Upstream;
let gw: ReturnType<typeof accessApp>;
beforeEach(async () => {
  up = stubBackend([(await makeKeys()).publicJwk]);
  gw = accessApp(accessRules());
});
afterEach(() => vi.unstubAllGlobals());

const preflight = (origin: string, path = '/api/me') =>
  gw.request(path, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'authorization, content-type',
    },
  });

function expectNoCors(r: Response) {
  for (const [k] of r.headers) expect(k.startsWith('access-control-')).toBe(false);
}

describe('CORS preflight answered at the edge', () => {
  for (const origin of ALLOWED) {
    it(`allowed origin ${origin} -> 204 with methods, headers, credentials and max-age`, async () => {
      const r = await preflight(origin);
      expect(r.status).toBe(204);
      expect(r.headers.get('access-control-allow-origin')).toBe(origin);
      expect(r.headers.get('access-control-allow-credentials')).toBe('true');
      expect(r.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, PUT, PATCH, DELETE');
      expect(r.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(r.headers.get('access-control-max-age')).toBe('600');
      expect(r.headers.get('vary')).toMatch(/Origin/);
      expect(up.seen).toHaveLength(0); // never forwarded, and no token needed on a protected path
    });
  }
  for (const origin of DENIED) {
    it(`other origin ${origin} -> 403 with no CORS headers`, async () => {
      const r = await preflight(origin);
      expect(r.status).toBe(403);
      expect(((await r.json()) as { code: string }).code).toBe('CORS_ORIGIN_DENIED');
      expectNoCors(r);
      expect(r.headers.get('vary')).toMatch(/Origin/);
      expect(up.seen).toHaveLength(0);
    });
  }
  it('an OPTIONS request that is not a preflight goes on like any request', async () => {
    const r = await gw.request('/api/scholarships', { method: 'OPTIONS' });
    expect(r.status).toBe(401); // OPTIONS is not exempt on /api/scholarships (GET and HEAD are)
  });
});

describe('CORS on actual requests', () => {
  it('an allowed origin gets ACAO, credentials and exposed headers, also on a 401', async () => {
    const ok = await gw.request('/api/scholarships', { headers: { origin: 'http://localhost:8787' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:8787');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-expose-headers')).toContain('x-request-id');
    const denied = await gw.request('/api/me', { headers: { origin: 'http://localhost:8787' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('http://localhost:8787');
  });

  for (const origin of DENIED) {
    it(`origin ${origin} gets no ACAO, even if the backend sends one`, async () => {
      up.responseHeaders = { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' };
      const r = await gw.request('/api/scholarships', { headers: { origin } });
      expect(r.status).toBe(200);
      expectNoCors(r);
    });
  }

  it("always says Vary: Origin, merged with the backend's Vary", async () => {
    up.responseHeaders = { vary: 'Accept-Encoding' };
    const none = await gw.request('/api/scholarships');
    expect(none.headers.get('vary')).toBe('Accept-Encoding, Origin');
    up.responseHeaders = {};
    expect(
      (await gw.request('/api/scholarships', { headers: { origin: 'https://evil.example' } })).headers.get('vary'),
    ).toBe('Origin');
  });
});
