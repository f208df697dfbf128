import { describe, expect, it } from 'vitest';
import { compileWaf } from '../config/waf.ts';
import { inspect } from './engine.ts';
import { req, shippedRules } from '../../../test/support/gateway/waf.ts';

/** Shapes that need the whole request: host overrides, path segments, nested JSON keys, destinations. */
const waf = compileWaf(shippedRules());
const rulesOf = (r: ReturnType<typeof req>) => [...new Set(inspect(r, waf).verdict.matches.map((m) => m.ruleId))];
const json = { 'content-type': 'application/json' };

const CASES: Array<{ name: string; r: ReturnType<typeof req>; has?: string; clean?: true }> = [
  {
    name: 'X-Forwarded-Host naming another host (password-reset poisoning)',
    r: req('POST', '/api/auth/password-reset', {
      json: { email: 'a@b.org' },
      headers: { 'x-forwarded-host': 'evil.example' },
    }),
    has: 'WAF_PROTO_015',
  },
  {
    name: 'X-Forwarded-Host equal to Host (a proxy in front)',
    r: req('GET', '/api/me', { headers: { 'x-forwarded-host': 'gatehouse.test' } }),
    clean: true,
  },
  {
    name: 'Forwarded host= another host',
    r: req('GET', '/api/me', { headers: { forwarded: 'for=1.2.3.4;host=evil.example' } }),
    has: 'WAF_PROTO_015',
  },
  {
    name: 'X-Original-URL',
    r: req('GET', '/', { headers: { 'x-original-url': '/api/ops/payments' } }),
    has: 'WAF_PROTO_014',
  },
  {
    name: 'constructor > prototype as nested JSON keys',
    r: req('PUT', '/api/me/profile', { json: { a: [{ constructor: { prototype: { isAdmin: true } } }] } }),
    has: 'WAF_PROTO_POLLUTION_001',
  },
  {
    name: 'a payload in a path segment is judged from its own start',
    r: req('GET', `/api/scholarships/${encodeURIComponent("'; sleep 5 #")}`),
    has: 'WAF_RCE_001',
  },
  {
    name: 'plain slugs add no path_segment target',
    r: req('GET', '/api/scholarships/rivera-stem-award-2027'),
    clean: true,
  },
  { name: 'next to another host', r: req('GET', '/login?next=%2F%5Cevil.example'), has: 'WAF_REDIRECT_001' },
  { name: 'next on the own host', r: req('GET', '/login?next=https%3A%2F%2Fgatehouse.test%2Fme'), clean: true },
  {
    name: 'return_to in a JSON login',
    r: req('POST', '/api/auth/login', {
      json: { email: 'a@b.org', password: 'pw', return_to: '//evil.example' },
      headers: json,
    }),
    has: 'WAF_REDIRECT_001',
  },
];

describe('request shapes', () => {
  for (const c of CASES)
    it(c.name, () => {
      const got = rulesOf(c.r);
      if (c.clean) expect(got).toEqual([]);
      if (c.has) expect(got).toContain(c.has);
    });

  it('path segments of a plain path are not targets; others are, capped at 32', () => {
    const plain = inspect(req('GET', '/a/b-c/d_e.f'), waf).extracted.targets.filter((t) => t.kind === 'path_segment');
    expect(plain).toEqual([]);
    const many = `/${Array.from({ length: 40 }, (_, i) => `x%20${i}`).join('/')}`;
    expect(inspect(req('GET', many), waf).extracted.targets.filter((t) => t.kind === 'path_segment')).toHaveLength(32);
  });
});
