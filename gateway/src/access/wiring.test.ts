import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SELF } from 'cloudflare:test';
import { createGateway } from '../app.ts';
import { bundledRules } from '../config/bundled.ts';
import { bundledCrawlerRanges } from './bundled-crawlers.ts';
import { ENV, makeKeys, stubBackend, type Upstream } from '../../../test/support/gateway/access.ts';
import { parseRuleFiles, RuleFileError } from '../config/schema/index.ts';
import waf from '../../rules/waf.yaml';
import access from '../../rules/access.yaml';
import limits from '../../rules/limits.yaml';

describe('access rules in the built gateway (bundled rule files, app.ts stage order)', () => {
  it('answers an allowed preflight at the edge', async () => {
    const r = await SELF.fetch('http://gateway.test/api/me', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:8787', 'access-control-request-method': 'GET' },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('http://localhost:8787');
    expect(r.headers.get('x-request-id')).toBeTruthy();
  });

  it('refuses a preflight from another origin', async () => {
    const r = await SELF.fetch('http://gateway.test/api/me', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(r.status).toBe(403);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses /api/me without a token with WAF_AUTH_001', async () => {
    const r = await SELF.fetch('http://gateway.test/api/me', { headers: { 'cf-connecting-ip': '203.0.113.9' } });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(((await r.json()) as { code: string }).code).toBe('WAF_AUTH_001');
  });

  it('lets an exempt route through to the (here unreachable) backend', async () => {
    expect((await SELF.fetch('http://gateway.test/robots.txt')).status).toBe(502);
  });

  it('a rule file with a CORS "*" fails the build (parseRuleFiles throws, naming the field)', () => {
    const starred = access.replace('allowed_origins:\n', 'allowed_origins:\n    - "*"\n');
    expect(starred).not.toBe(access);
    let error: unknown;
    try {
      parseRuleFiles({ 'waf.yaml': waf, 'access.yaml': starred, 'limits.yaml': limits });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleFileError);
    expect((error as RuleFileError).problems).toContainEqual({
      file: 'access.yaml',
      path: 'cors.allowed_origins[0]',
      message: expect.stringMatching(/"\*" is refused/),
    });
  });
});

describe('access rules with the whole pipeline (WAF, rate limits) in front of a stand-in backend', () => {
  let up: Upstream;
  beforeEach(async () => {
    up = stubBackend([(await makeKeys()).publicJwk]);
  });
  afterEach(() => vi.unstubAllGlobals());
  const app = createGateway(bundledRules());
  const call = (path: string, init: RequestInit = {}) =>
    app.request(new Request(`https://gateway.test${path}`, init), undefined, ENV);

  it('still inspects QA traffic: an attack from the QA range is blocked, and QA sees why', async () => {
    const r = await call('/api/auth/login', {
      method: 'POST',
      headers: { 'cf-connecting-ip': '198.51.100.20', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'qa@example.test', password: 'x', name: "' UNION SELECT password FROM users --" }),
    });
    expect(r.status).toBe(403);
    expect(r.headers.get('x-client-class')).toBe('qa');
    expect(r.headers.get('x-waf-verdict')).toBe('block');
    expect(r.headers.get('x-waf-rules')).toMatch(/WAF_SQLI_/);
    expect(up.seen).toHaveLength(0);
  });

  it('the same attack from anyone else is blocked without the debug headers', async () => {
    const r = await call('/api/auth/login', {
      method: 'POST',
      headers: { 'cf-connecting-ip': '203.0.113.9', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'qa@example.test', password: 'x', name: "' UNION SELECT password FROM users --" }),
    });
    expect(r.status).toBe(403);
    expect(r.headers.get('x-waf-verdict')).toBeNull();
  });

  it('a verified crawler reaches robots.txt, sitemap.xml and public pages', async () => {
    const ip = bundledCrawlerRanges().operators.googlebot.cidrs[0].split('/')[0];
    const headers = {
      'cf-connecting-ip': ip,
      'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    };
    for (const path of [
      '/robots.txt',
      '/sitemap.xml',
      '/sitemaps/1.xml',
      '/',
      '/scholarships',
      '/scholarships/stem-award-2027',
      '/search?q=nursing',
    ]) {
      expect((await call(path, { headers })).status, path).toBe(200);
    }
  });
});
