import { describe, expect, it } from 'vitest';
import cases from '../../../../test/fixtures/waf/formats.json';
import type { FieldFormatName } from '../../config/schema/waf.ts';
import { compileWaf } from '../../config/waf.ts';
import { inspect } from '../engine.ts';
import { req, rulesWith } from '../../../../test/support/gateway/waf.ts';
import { FORMATS } from './registry.ts';
import { tooLong } from './types.ts';

interface FormatCase {
  format: FieldFormatName;
  note: string;
  options?: { max_length?: number; values?: string[] };
  accept: string[];
  reject: string[];
}

/** Test names stay ASCII (workerd carries them in a header): other characters as \\u escapes. */
const short = (s: string) =>
  JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...(${s.length})` : s).replace(
    /[^\x20-\x7e]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/**
 * test/fixtures/waf/formats.json: per format, the real values it lets through and the attacks and
 * malformed values it stops. Each value runs twice: through the format's check alone, and through
 * the engine with the real detectors as the value of an excluded field on a block-mode route, where
 * an accepted value must match nothing at all and a rejected one must block with the format's code.
 */
describe('field formats (test/fixtures/waf/formats.json)', () => {
  it('covers every registered format', () => {
    expect(new Set((cases as FormatCase[]).map((c) => c.format))).toEqual(new Set(Object.keys(FORMATS)));
  });
  for (const c of cases as FormatCase[]) {
    const format = FORMATS[c.format];
    const options = {
      maxLength: c.options?.max_length ?? format.defaultMaxLength,
      values: c.options?.values ? new Set(c.options.values) : null,
    };
    const waf = compileWaf(
      rulesWith({
        exclusions: [
          {
            id: 'under-test',
            reason: c.note,
            routes: ['/t'],
            fields: [{ json: '$.f', format: c.format, ...c.options }],
          },
        ],
      }),
    );
    const run = (value: string) => inspect(req('POST', '/t', { json: { f: value } }), waf).verdict;
    describe(`${c.format}: ${c.note}`, () => {
      for (const v of c.accept)
        it(`accepts ${short(v)}`, () => {
          expect(format.check(v, options)).toBeNull();
          const verdict = run(v);
          expect(verdict.matches.map((m) => `${m.ruleId}:${m.excerpt}`)).toEqual([]);
          expect(verdict.action).toBe('allow');
        });
      for (const v of c.reject)
        it(`rejects ${short(v)}`, () => {
          const message = format.check(v, options);
          expect(message).toEqual(expect.any(String));
          expect(message).not.toContain(v);
          const verdict = run(v);
          expect(verdict.matches.map((m) => m.ruleId)).toContain(format.rule.id);
          expect(verdict).toMatchObject({ action: 'block', primaryRule: format.rule.id });
        });
    });
  }
});

describe('what each format removes', () => {
  const waf = compileWaf(
    rulesWith({
      exclusions: [
        {
          id: 'all-formats',
          reason: 'test',
          routes: ['/t'],
          fields: [
            { json: '$.email', format: 'email' },
            { json: '$.search', format: 'search' },
            { json: '$.url', format: 'url' },
            { json: '$.secret', format: 'secret' },
          ],
        },
      ],
    }),
  );
  const rules = (json: unknown) => inspect(req('POST', '/t', { json }), waf).verdict.matches.map((m) => m.ruleId);
  it('search text keeps every family but SQL', () => {
    expect(rules({ search: "x' UNION SELECT password FROM users--" })).toEqual([]);
    expect(rules({ search: '<img src=x onerror=alert(1)>' })).toContain('WAF_XSS_002');
    expect(rules({ search: '; cat /etc/passwd' }).some((r) => r.startsWith('WAF_RCE') || r.startsWith('WAF_LFI'))).toBe(
      true,
    );
  });
  it('a URL keeps XSS, SSRF and traversal inspection', () => {
    expect(rules({ url: 'http://169.254.169.254/latest/meta-data/' })).toContain('WAF_SSRF_001');
  });
  it('an email field keeps every other family', () => {
    expect(rules({ email: 'a@x.org\r\nBcc: victim@x.org' })).toContain('WAF_FORMAT_EMAIL_001');
  });
  it('a secret is opaque to every family', () => {
    expect(rules({ secret: '<script>alert(document.cookie)</script> ; cat /etc/passwd ${jndi:ldap://x}' })).toEqual([]);
  });
  it('an object or array where a formatted value belongs is a format violation named by the field', () => {
    const v = inspect(req('POST', '/t', { json: { email: { $ne: '' }, search: ['a', 'b'] } }), waf).verdict;
    const format = v.matches.filter((m) => m.ruleId.startsWith('WAF_FORMAT_'));
    expect(format.map((m) => `${m.ruleId} ${m.target.name}`)).toEqual([
      'WAF_FORMAT_EMAIL_001 $.email',
      'WAF_FORMAT_SEARCH_001 $.search',
      'WAF_FORMAT_SEARCH_001 $.search',
    ]);
    expect(v.matches.map((m) => m.ruleId)).toContain('WAF_NOSQL_001');
  });
  it('an empty value is left to the backend', () => {
    expect(rules({ email: '', secret: '' })).toEqual([]);
  });
});

describe('format checks are bounded by max_length', () => {
  // Timing cannot be asserted here (workerd freezes clocks during synchronous code), so the test
  // pins the order instead: the length bound answers before any pattern looks at the value.
  it('a 1 MB value of any shape is refused by its length before any pattern runs', () => {
    const hostile = ["a'".repeat(1 << 19), 'a.'.repeat(1 << 19), '@'.repeat(1 << 20), 'a-'.repeat(1 << 19)];
    for (const format of Object.values(FORMATS))
      for (const v of hostile) {
        const message = format.check(v, { maxLength: format.defaultMaxLength, values: new Set(['x']) });
        expect(message, format.name).toBe(
          format.name === 'enum' ? 'must be one of the allowed values' : tooLong(format.defaultMaxLength),
        );
      }
  });
});
