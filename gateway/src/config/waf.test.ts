import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import wafYaml from '../../rules/waf.yaml';
import { WafRulesSchema } from './schema/waf.ts';
import { compileWaf, modeFor, thresholdFor, WafConfigError } from './waf.ts';
import { probeDetector, rulesWith, shippedRules } from '../../../test/support/gateway/waf.ts';

const base = () => parseYaml(wafYaml) as Record<string, unknown>;
const invalid = (patch: Record<string, unknown>) => WafRulesSchema.safeParse({ ...base(), ...patch });

describe('waf.yaml compiles', () => {
  it('the shipped file: GET/HEAD/OPTIONS monitor, writes block on critical rules, JSON one notch up', () => {
    const w = compileWaf(shippedRules(), { detectors: [probeDetector] });
    const route = w.route('/api/anything');
    expect(['GET', 'HEAD', 'OPTIONS'].map((m) => modeFor(route, m))).toEqual(['monitor', 'monitor', 'monitor']);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map((m) => modeFor(route, m))).toEqual([
      'block',
      'block',
      'block',
      'block',
    ]);
    expect(route.blockMinSeverity).toBe('critical');
    expect(thresholdFor(w, 'application/json')).toBeGreaterThan(thresholdFor(w, null));
    expect(w.body).toMatchObject({ max_inspected_bytes: 1024 * 1024 });
  });
  it('the first matching route wins, else defaults', () => {
    const w = compileWaf(shippedRules(), { detectors: [probeDetector] });
    expect(w.route('/healthz').name).toContain('/healthz');
    expect(w.route('/webhooks/stripe').allowedContentTypes).toEqual(new Set(['application/json']));
    expect(w.route('/api/x').name).toBe('default');
  });
});

describe('invalid configuration is refused, never half-applied', () => {
  it.each([
    ['unknown mode', { defaults: { ...(base().defaults as object), modes: { GET: 'observe', '*': 'block' } } }],
    ['defaults without a "*" mode', { defaults: { ...(base().defaults as object), modes: { GET: 'monitor' } } }],
    ['paranoia 5', { paranoia: 5 }],
    ['threshold 0', { thresholds: { inbound: 0 } }],
    ['exclusion without a reason', { exclusions: [{ id: 'x', remove: ['sqli'] }] }],
    ['exclusion removing an unknown family', { exclusions: [{ id: 'x', reason: 'r', remove: ['sql'] }] }],
    [
      'JSON path without $',
      { exclusions: [{ id: 'x', reason: 'r', remove: ['sqli'], fields: [{ json: 'password' }] }] },
    ],
    [
      'selector with two kinds',
      { exclusions: [{ id: 'x', reason: 'r', remove: ['sqli'], fields: [{ json: '$.a', query: 'a' }] }] },
    ],
    [
      'duplicate exclusion ids',
      {
        exclusions: [
          { id: 'x', reason: 'r', remove: ['sqli'] },
          { id: 'x', reason: 'r', remove: ['xss'] },
        ],
      },
    ],
    ['unknown top-level key', { parnoia: 1 }],
    ['route pattern without /', { routes: [{ match: 'api/x' }] }],
    [
      'content type with parameters',
      { defaults: { ...(base().defaults as object), allowed_content_types: ['application/json; charset=utf-8'] } },
    ],
    ['bad expiry date', { exclusions: [{ id: 'x', reason: 'r', remove: ['sqli'], expires: 'next week' }] }],
  ])('%s', (_name, patch) => {
    expect(invalid(patch).success).toBe(false);
  });
  it('unknown rule ids fail at compile time', () => {
    expect(() =>
      compileWaf(rulesWith({ rule_overrides: [{ rule: 'WAF_NOPE_001', disabled: true, reason: 'r' }] }), {
        detectors: [probeDetector],
      }),
    ).toThrow(WafConfigError);
    expect(() =>
      compileWaf(rulesWith({ exclusions: [{ id: 'x', reason: 'r', remove: ['WAF_NOPE_001'] }] }), {
        detectors: [probeDetector],
      }),
    ).toThrow(/unknown rule WAF_NOPE_001/);
  });
  it('a malformed JSON path in an exclusion fails at compile time', () => {
    expect(() =>
      compileWaf(rulesWith({ exclusions: [{ id: 'x', reason: 'r', remove: ['sqli'], fields: [{ json: '$[x]' }] }] }), {
        detectors: [probeDetector],
      }),
    ).toThrow(/exclusions x/);
  });
  it('duplicate rule ids across detectors fail', () => {
    const copy = { ...probeDetector, name: 'copy', rules: probeDetector.rules.map((r) => ({ ...r })) };
    expect(() => compileWaf(shippedRules(), { detectors: [probeDetector, copy] })).toThrow(/declared twice/);
  });
});
