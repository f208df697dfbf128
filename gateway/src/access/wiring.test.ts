import { describe, expect, it } from 'vitest';
import { SELF } from 'cloudflare:test';
import { parseRuleFiles, RuleFileError } from '../../../shared/rules/index.ts';
import waf from '../../rules/waf.yaml';
import access from '../../rules/access.yaml';
import limits from '../../rules/limits.yaml';

describe('access rules in the built gateway (bundled rule files, app.ts stage order)', () => {
  it('answers an allowed preflight at the edge', async () => {
    const r = await SELF.fetch('http://gateway.test/api/me', { method: 'OPTIONS', headers: { origin: 'http://localhost:8787', 'access-control-request-method': 'GET' } });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('http://localhost:8787');
    expect(r.headers.get('x-request-id')).toBeTruthy();
  });

  it('refuses a preflight from another origin', async () => {
    const r = await SELF.fetch('http://gateway.test/api/me', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(r.status).toBe(403);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses /api/me without a token with WAF_AUTH_001', async () => {
    const r = await SELF.fetch('http://gateway.test/api/me', { headers: { 'cf-connecting-ip': '203.0.113.9' } });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await r.json() as { code: string }).code).toBe('WAF_AUTH_001');
  });

  it('lets an exempt route through to the (here unreachable) backend', async () => {
    expect((await SELF.fetch('http://gateway.test/robots.txt')).status).toBe(502);
  });

  it('a rule file with a CORS "*" fails the build (parseRuleFiles throws, naming the field)', () => {
    const starred = access.replace('allowed_origins:\n', 'allowed_origins:\n    - "*"\n');
    expect(starred).not.toBe(access);
    let error: unknown;
    try { parseRuleFiles({ 'waf.yaml': waf, 'access.yaml': starred, 'limits.yaml': limits }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(RuleFileError);
    expect((error as RuleFileError).problems).toContainEqual({ file: 'access.yaml', path: 'cors.allowed_origins[0]', message: expect.stringMatching(/"\*" is refused/) });
  });
});
