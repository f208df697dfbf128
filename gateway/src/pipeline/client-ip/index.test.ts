import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGateway } from '../../app.ts';
import { bundledRules } from '../../config/bundled.ts';
import { parseBindings } from '../../config/bindings.ts';
import { canonicalAddress, resolveClientIp } from './index.ts';

const ORIGIN = 'https://backend.test';
const PRODUCTION = {
  GATEWAY_ENV: 'production',
  BACKEND_URL: ORIGIN,
  GATEWAY_SHARED_SECRET: 'test-gateway-secret-0123456789',
  CLIENT_IP_SOURCE: 'cloudflare',
};
const PROXIED = {
  ...PRODUCTION,
  CLIENT_IP_SOURCE: 'proxy',
  CLIENT_IP_HEADER: 'x-forwarded-for',
  TRUSTED_PROXY_CIDRS: '10.0.0.0/8, fd00::/8',
};

/** A backend answering 200 to anything on ORIGIN. */
function stubOrigin() {
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    if (!req.url.startsWith(ORIGIN)) throw new TypeError(`network disabled in tests: ${req.url}`);
    if (req.url.endsWith('/.well-known/jwks.json')) return Response.json({ keys: [] });
    return Response.json({ ok: true });
  });
}
afterEach(() => vi.unstubAllGlobals());

const gateway = createGateway(bundledRules());
const get = (env: Record<string, string>, headers: Record<string, string>, cf?: object) =>
  gateway.fetch(new Request('https://gateway.test/scholarships', { headers, cf } as RequestInit), env);

describe('client address trust (issue 14, finding 4)', () => {
  it('production on Cloudflare: CF-Connecting-IP without the cf object is not trusted (QA range cannot be claimed)', async () => {
    stubOrigin();
    const r = await get(PRODUCTION, { 'cf-connecting-ip': '198.51.100.7' });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ code: 'CLIENT_ADDRESS_UNTRUSTED' });
    expect(r.headers.get('x-client-class')).toBeNull();
  });

  it('production on Cloudflare: with the cf object the address is trusted', async () => {
    stubOrigin();
    const r = await get(PRODUCTION, { 'cf-connecting-ip': '198.51.100.7' }, { colo: 'FRA' });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-client-class')).toBe('qa');
  });

  it.each(['0xc6.0x33.0x64.7', '3325256711', '0306.063.0144.07'])(
    'a non-canonical spelling %s of a QA address is refused, not matched',
    async (ip) => {
      stubOrigin();
      const r = await get(PRODUCTION, { 'cf-connecting-ip': ip }, { colo: 'FRA' });
      expect(r.status).toBe(403);
      expect(r.headers.get('x-client-class')).toBeNull();
    },
  );

  it('IPv4-mapped IPv6 is canonicalised to the IPv4 address before allowlists match', async () => {
    stubOrigin();
    const r = await get(PRODUCTION, { 'cf-connecting-ip': '::ffff:198.51.100.7' }, { colo: 'FRA' });
    expect(r.headers.get('x-client-class')).toBe('qa');
  });

  it('self-hosted: the header counts only through configured proxies (right to left)', async () => {
    stubOrigin();
    const via = await get(PROXIED, { 'x-forwarded-for': '198.51.100.7, 10.1.2.3' });
    expect(via.headers.get('x-client-class')).toBe('qa');
    // A forged left entry behind an untrusted hop: the hop is the client.
    const forged = await get(PROXIED, { 'x-forwarded-for': '198.51.100.7, 203.0.113.5' });
    expect(forged.status).toBe(200);
    expect(forged.headers.get('x-client-class')).toBeNull();
    // CF-Connecting-IP means nothing here.
    const cf = await get(PROXIED, { 'cf-connecting-ip': '198.51.100.7' });
    expect(cf.status).toBe(403);
  });

  it('resolves addresses per source', () => {
    const cfg = (env: Record<string, string>) => parseBindings({ ...PRODUCTION, ...env }).clientIp;
    const h = (m: Record<string, string>) => (n: string) => m[n];
    expect(resolveClientIp(cfg({}), h({ 'cf-connecting-ip': '203.0.113.1' }), {})).toBe('203.0.113.1');
    expect(resolveClientIp(cfg({}), h({ 'cf-connecting-ip': '203.0.113.1' }), undefined)).toBe('refuse');
    expect(resolveClientIp(cfg(PROXIED), h({ 'x-forwarded-for': '10.0.0.9' }), undefined)).toBe('10.0.0.9');
    expect(resolveClientIp(cfg(PROXIED), h({ 'x-forwarded-for': 'junk, 10.0.0.9' }), undefined)).toBe('refuse');
    const dev = (s: string) =>
      parseBindings({ ...PRODUCTION, GATEWAY_ENV: 'development', CLIENT_IP_SOURCE: s }).clientIp;
    expect(resolveClientIp(dev('header'), h({ 'cf-connecting-ip': '2001:db8::1' }), undefined)).toBe('2001:db8::1');
    expect(resolveClientIp(dev('header'), h({}), undefined)).toBe('unknown');
    expect(resolveClientIp(dev('none'), h({ 'cf-connecting-ip': '203.0.113.1' }), undefined)).toBe('unknown');
  });

  it('canonical addresses', () => {
    expect(canonicalAddress(' 198.51.100.7 ')).toBe('198.51.100.7');
    expect(canonicalAddress('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(canonicalAddress('2001:DB8:0::1')).toBe('2001:db8::1');
    expect(canonicalAddress('3325256711')).toBeNull();
    expect(canonicalAddress('198.51.100.07')).toBeNull();
    for (const ok of ['0.0.0.0', '255.255.255.255', '10.0.0.1', '100.64.1.200']) expect(canonicalAddress(ok)).toBe(ok);
    for (const bad of ['256.1.1.1', '1.2.3.999', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1..2.3', '0x1.2.3.4', '1.2.3.4 5'])
      expect(canonicalAddress(bad), bad).toBeNull();
  });
});
