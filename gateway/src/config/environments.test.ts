import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../index.ts';
import { bundledRules } from './bundled.ts';
import { productionProblems } from './schema/overlay.ts';
import { parseRuleFiles } from './schema/index.ts';
import waf from '../../rules/waf.yaml';
import access from '../../rules/access.yaml';
import limits from '../../rules/limits.yaml';

const ORIGIN = 'https://backend.test';
const PRODUCTION = {
  GATEWAY_ENV: 'production',
  BACKEND_URL: ORIGIN,
  GATEWAY_SHARED_SECRET: 'test-gateway-secret-0123456789',
  CLIENT_IP_SOURCE: 'cloudflare',
};
const DEVELOPMENT = { ...PRODUCTION, GATEWAY_ENV: 'development', CLIENT_IP_SOURCE: 'header' };

function stubOrigin(): string[] {
  const seen: string[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push(new URL(req.url).pathname);
    return Response.json({ items: [] });
  });
  return seen;
}
afterEach(() => vi.unstubAllGlobals());

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const call = (env: object, path: string, init: RequestInit & { cf?: object } = {}) =>
  worker.fetch(
    new Request(`https://gateway.test${path}`, { cf: { colo: 'FRA' }, ...init } as RequestInit),
    env as never,
    ctx,
  );
const preflight = (origin: string) => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'GET', 'cf-connecting-ip': '203.0.113.60' },
});

describe('development overlay (issue 14, findings 10 and 11)', () => {
  it('the production rule set has no loopback origin and no dev mailbox exemption', () => {
    const rules = bundledRules('production');
    expect(rules['access.yaml'].cors.allowed_origins.filter((o) => /localhost|127\.0\.0\.1/.test(o))).toEqual([]);
    expect(JSON.stringify(rules['access.yaml'].jwt.exempt)).not.toContain('/api/dev/');
    expect(
      productionProblems(parseRuleFiles({ 'waf.yaml': waf, 'access.yaml': access, 'limits.yaml': limits })),
    ).toEqual([]);
  });

  it('production refuses a rule set with a loopback origin', () => {
    const withLoopback = access.replace('allowed_origins:\n', 'allowed_origins:\n    - http://127.0.0.1:8787\n');
    const rules = parseRuleFiles({ 'waf.yaml': waf, 'access.yaml': withLoopback, 'limits.yaml': limits });
    expect(productionProblems(rules)).toEqual([
      expect.objectContaining({ file: 'access.yaml', path: 'cors.allowed_origins[0]' }),
    ]);
  });

  it.each(['http://localhost:8787', 'http://127.0.0.1:8787'])(
    'a page on %s makes no credentialed call to a production gateway, but may in development',
    async (origin) => {
      stubOrigin();
      const prod = await call(PRODUCTION, '/api/scholarships', preflight(origin));
      expect(prod.status).toBe(403);
      expect(prod.headers.get('access-control-allow-origin')).toBeNull();
      const dev = await call(DEVELOPMENT, '/api/scholarships', preflight(origin));
      expect(dev.status).toBe(204);
      expect(dev.headers.get('access-control-allow-origin')).toBe(origin);
    },
  );

  it('the dev mailbox is 404 at a production gateway (never forwarded), open in development', async () => {
    const seen = stubOrigin();
    const headers = { 'cf-connecting-ip': '203.0.113.61' };
    const prod = await call(PRODUCTION, '/api/dev/mailbox?to=a%40b.c', { headers });
    expect(prod.status).toBe(404);
    expect(await prod.json()).toMatchObject({ code: 'NOT_FOUND' });
    const spelled = await call(PRODUCTION, '/api/DEV/%6dailbox', { headers });
    expect(spelled.status).toBe(404);
    expect(seen).toEqual([]);
    const dev = await call(DEVELOPMENT, '/api/dev/mailbox?to=a%40b.c', { headers });
    expect(dev.status).toBe(200);
    expect(seen).toEqual(['/api/dev/mailbox']);
  });
});
