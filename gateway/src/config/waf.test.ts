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

/** A valid exclusion on /api/x for an email field, with fields replaced. */
const exclusion = (patch: Record<string, unknown>) => ({
  id: 'x',
  reason: 'r',
  routes: ['/api/x'],
  fields: [{ json: '$.email', format: 'email' }],
  ...patch,
});

describe('invalid configuration is refused, never half-applied', () => {
  it.each([
    ['unknown mode', { defaults: { ...(base().defaults as object), modes: { GET: 'observe', '*': 'block' } } }],
    ['defaults without a "*" mode', { defaults: { ...(base().defaults as object), modes: { GET: 'monitor' } } }],
    ['paranoia 5', { paranoia: 5 }],
    ['threshold 0', { thresholds: { inbound: 0 } }],
    [
      'exclusion without a reason',
      { exclusions: [{ id: 'x', routes: ['/x'], fields: [{ query: 'q', format: 'search' }] }] },
    ],
    [
      'exclusion removing an unknown family',
      {
        exclusions: [
          { id: 'x', reason: 'r', remove: ['sql'], routes: ['/x'], fields: [{ query: 'q', format: 'search' }] },
        ],
      },
    ],
    [
      'exclusion without routes',
      { exclusions: [{ id: 'x', reason: 'r', fields: [{ query: 'q', format: 'search' }] }] },
    ],
    [
      'exclusion on every route (**)',
      { exclusions: [{ id: 'x', reason: 'r', routes: ['**'], fields: [{ query: 'q', format: 'search' }] }] },
    ],
    ['exclusion without fields', { exclusions: [{ id: 'x', reason: 'r', routes: ['/x'] }] }],
    ['field without a format', { exclusions: [{ id: 'x', reason: 'r', routes: ['/x'], fields: [{ query: 'q' }] }] }],
    [
      'unknown format',
      { exclusions: [{ id: 'x', reason: 'r', routes: ['/x'], fields: [{ query: 'q', format: 'phone' }] }] },
    ],
    [
      'a bare name anywhere (the old field: selector)',
      { exclusions: [{ id: 'x', reason: 'r', routes: ['/x'], fields: [{ field: 'password', format: 'secret' }] }] },
    ],
    [
      'a JSON path at any depth',
      { exclusions: [{ id: 'x', reason: 'r', routes: ['/x'], fields: [{ json: '$.**.password', format: 'secret' }] }] },
    ],
    [
      'JSON path without $',
      { exclusions: [{ id: 'x', reason: 'r', routes: ['/x'], fields: [{ json: 'password', format: 'secret' }] }] },
    ],
    [
      'selector with two kinds',
      {
        exclusions: [{ id: 'x', reason: 'r', routes: ['/x'], fields: [{ json: '$.a', query: 'a', format: 'search' }] }],
      },
    ],
    [
      'enum without values',
      { exclusions: [{ id: 'x', reason: 'r', routes: ['/x'], fields: [{ query: 's', format: 'enum' }] }] },
    ],
    [
      'values without enum',
      {
        exclusions: [{ id: 'x', reason: 'r', routes: ['/x'], fields: [{ query: 's', format: 'slug', values: ['a'] }] }],
      },
    ],
    [
      'duplicate exclusion ids',
      {
        exclusions: [
          { id: 'x', reason: 'r', routes: ['/x'], fields: [{ query: 'q', format: 'search' }] },
          { id: 'x', reason: 'r', routes: ['/y'], fields: [{ query: 'q', format: 'search' }] },
        ],
      },
    ],
    ['unknown top-level key', { parnoia: 1 }],
    // The normalizer chain is fixed in code (normalizeValue); no rule file names transforms.
    ['a normalizer list (no rule file names normalizers)', { normalizers: ['lowercase'] }],
    ['a normalizer list on a route', { routes: [{ match: '/api/x', reason: 'r', normalizers: ['lowercase'] }] }],
    ['route pattern without /', { routes: [{ match: 'api/x' }] }],
    [
      'content type with parameters',
      { defaults: { ...(base().defaults as object), allowed_content_types: ['application/json; charset=utf-8'] } },
    ],
    [
      'bad expiry date',
      {
        exclusions: [
          { id: 'x', reason: 'r', routes: ['/x'], fields: [{ query: 'q', format: 'search' }], expires: 'next week' },
        ],
      },
    ],
  ])('%s', (_name, patch) => {
    expect(invalid(patch).success).toBe(false);
  });
  it('unknown rule ids fail at compile time', () => {
    expect(() =>
      compileWaf(rulesWith({ rule_overrides: [{ rule: 'WAF_NOPE_001', disabled: true, reason: 'r' }] }), {
        detectors: [probeDetector],
      }),
    ).toThrow(WafConfigError);
    expect(() => compileWaf(rulesWith({ exclusions: [exclusion({ remove: ['WAF_NOPE_001'] })] }))).toThrow(
      /exclusions x: unknown rule WAF_NOPE_001/,
    );
  });
  it("an exclusion removing more than its fields' formats compensate for fails at load, naming the entry", () => {
    expect(() => compileWaf(rulesWith({ exclusions: [exclusion({ remove: ['xss'] })] }))).toThrow(
      /exclusions x: json:\$\.email \(format email\) can only have sqli removed, not xss/,
    );
    expect(() => compileWaf(rulesWith({ exclusions: [exclusion({ remove: ['WAF_XSS_001'] })] }))).toThrow(
      /exclusions x: .*not WAF_XSS_001/,
    );
    expect(() => compileWaf(rulesWith({ exclusions: [exclusion({ remove: ['WAF_FORMAT_EMAIL_001'] })] }))).toThrow(
      /exclusions x: WAF_FORMAT_EMAIL_001: format rules cannot be excluded/,
    );
    expect(() => compileWaf(rulesWith({ exclusions: [exclusion({ remove: ['WAF_SQLI_001'] })] }))).not.toThrow();
  });
  it('a malformed JSON path in an exclusion fails at compile time', () => {
    expect(() =>
      compileWaf(rulesWith({ exclusions: [exclusion({ fields: [{ json: '$[x]', format: 'email' }] })] }), {
        detectors: [probeDetector],
      }),
    ).toThrow(/exclusions x/);
  });
  it('duplicate rule ids across detectors fail', () => {
    const copy = { ...probeDetector, name: 'copy', rules: probeDetector.rules.map((r) => ({ ...r })) };
    expect(() => compileWaf(shippedRules(), { detectors: [probeDetector, copy] })).toThrow(/declared twice/);
  });
});

describe('paranoia and disabled rules', () => {
  const pl2Only = {
    name: 'pl2-only',
    rules: [{ id: 'WAF_PLTWO_001', family: 'lfi', severity: 'warning', paranoia: 2, description: 'test' }],
    detect: () => {
      throw new Error('must not run at paranoia 1');
    },
  } as const;
  it('a detector without an enabled rule at the level does not run; one with any runs', () => {
    const at1 = compileWaf(rulesWith({ paranoia: 1 }), { detectors: [probeDetector, pl2Only] });
    expect(at1.detectors.map((d) => d.name)).toEqual(['probe']);
    expect(at1.detectorsByKind.get('json')!.map((d) => d.name)).toEqual(['probe']);
    const at2 = compileWaf(rulesWith({ paranoia: 2 }), { detectors: [probeDetector, pl2Only] });
    expect(at2.detectors.map((d) => d.name)).toEqual(['probe', 'pl2-only']);
    const off = compileWaf(
      rulesWith({ paranoia: 2, rule_overrides: [{ rule: 'WAF_PLTWO_001', disabled: true, reason: 'test' }] }),
      { detectors: [probeDetector, pl2Only] },
    );
    expect(off.detectors.map((d) => d.name)).toEqual(['probe']);
  });
});
