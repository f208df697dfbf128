import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LimitsRulesSchema } from '../config/schema/limits.ts';
import { bundledRules } from '../config/bundled.ts';
import { compileLimits } from './policies.ts';

const base = {
  id: 'p',
  match: { paths: ['/api/*'], methods: ['POST'] },
  key: 'ip',
  algorithm: 'fixedWindow',
  limit: 5,
  window: '10 s',
  failure: { mode: 'open', why: 'reads keep serving' },
};

describe('limits.yaml schema', () => {
  it.each([
    { name: 'unknown algorithm', policy: { ...base, algorithm: 'leakyBucket' }, path: 'policies.0.algorithm' },
    { name: 'bad duration', policy: { ...base, window: '10 seconds' }, path: 'policies.0.window' },
    {
      name: 'local without factor',
      policy: { ...base, failure: { mode: 'local', why: 'writes keep a ceiling' } },
      path: 'policies.0.failure.degraded_factor',
    },
    {
      name: 'factor above 1',
      policy: { ...base, failure: { mode: 'local', why: 'writes keep a ceiling', degraded_factor: 2 } },
      path: 'policies.0.failure.degraded_factor',
    },
    { name: 'missing why', policy: { ...base, failure: { mode: 'closed' } }, path: 'policies.0.failure.why' },
    {
      name: 'refund on an ip policy',
      policy: { ...base, refund_on_success: true },
      path: 'policies.0.refund_on_success',
    },
    {
      name: 'wildcard in the middle',
      policy: { ...base, match: { paths: ['/api/*/x'], methods: ['GET'] } },
      path: 'policies.0.match.paths.0',
    },
    { name: 'unknown key kind', policy: { ...base, key: 'cookie' }, path: 'policies.0.key' },
  ])('rejects $name, naming $path', ({ policy, path }) => {
    const r = LimitsRulesSchema.safeParse({ version: 1, policies: [policy] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('rejects duplicate ids', () => {
    expect(LimitsRulesSchema.safeParse({ version: 1, policies: [base, base] }).success).toBe(false);
  });

  it('the bundled file is valid and covers the routes the issue names', () => {
    const limits = compileLimits(bundledRules()['limits.yaml']);
    const ids = (m: string, p: string, c = 'anonymous' as const) =>
      limits
        .select(m, p, c)
        .map((x) => x.id)
        .sort();
    for (const path of ['/api/auth/login', '/api/provider/login'])
      expect(ids('POST', path)).toEqual(['auth-login-account', 'auth-login-ip', 'write']);
    for (const path of ['/api/auth/signup', '/signup'])
      expect(ids('POST', path)).toEqual(expect.arrayContaining(['auth-signup-ip', 'auth-signup-account']));
    expect(ids('POST', '/api/auth/password-reset')).toEqual(
      expect.arrayContaining(['auth-reset-ip', 'auth-reset-account']),
    );
    // Setting the new password carries a token, no email: the per-account mail policies must not see it.
    for (const path of ['/api/auth/password-reset/confirm', '/reset-password/confirm'])
      expect(ids('POST', path)).toEqual(['write']);
    expect(ids('POST', '/api/auth/refresh')).toContain('auth-refresh');
    expect(ids('GET', '/scholarships/x')).toEqual(['read']);
    expect(ids('GET', '/scholarships/x', 'verified_crawler' as never)).toEqual(['read-crawler']);
    for (const p of limits.policies) if (p.id.startsWith('auth-')) expect(p.failure.mode).toBe('closed');
    expect(limits.policies.find((p) => p.id === 'read')!.failure.mode).toBe('open');
    expect(limits.policies.find((p) => p.id === 'write')!.failure.mode).toBe('local');
  });

  it('a dedicated crawler policy below the general one fails to load', () => {
    const rules = LimitsRulesSchema.parse(
      parse(`
version: 1
policies:
  - { id: read, match: { paths: [/*], methods: [GET] }, key: ip, algorithm: slidingWindow, limit: 100, window: 1 m, failure: { mode: open, why: reads keep serving } }
  - { id: crawler, match: { paths: [/*], methods: [GET], clients: [verified_crawler] }, key: ip, algorithm: slidingWindow, limit: 10, window: 1 m, failure: { mode: open, why: reads keep serving } }
`),
    );
    expect(() => compileLimits(rules)).toThrow(/crawler .* below the general policy read/);
  });
});
