import { describe, expect, it } from 'vitest';
import cases from '../../../../test/fixtures/waf/normalizers.json';
import { MAX_DECODE_PASSES, normalizeValue } from './index.ts';
import { collapseWhitespace } from './collapse-whitespace.ts';
import { decodeHtmlEntities } from './html-entities.ts';
import { decodeJsEscapes } from './js-escapes.ts';
import { removeNulls } from './remove-nulls.ts';
import { removeSqlComments } from './remove-sql-comments.ts';
import { hasNonAscii, unicodeFold } from './unicode-fold.ts';
import { urlDecodeOnce } from './url-decode.ts';

/**
 * The pure transforms by the names the fixture uses. The engine applies them in one fixed chain
 * (`normalizeValue`); there is no registry of names, since no rule file names a normalizer.
 */
const TRANSFORMS: Record<string, (input: string) => string> = {
  'url-decode': urlDecodeOnce,
  'html-entities': decodeHtmlEntities,
  'js-escapes': decodeJsEscapes,
  'remove-nulls': removeNulls,
  'unicode-fold': unicodeFold,
  lowercase: (s) => s.toLowerCase(),
  'collapse-whitespace': collapseWhitespace,
  'remove-sql-comments': removeSqlComments,
};

interface Case {
  normalizer?: string;
  chain?: boolean;
  input: string;
  expect: string;
}

describe('normalizers (test/fixtures/waf/normalizers.json)', () => {
  for (const c of cases as Case[]) {
    const label = c.chain
      ? `normalizeValue(${JSON.stringify(c.input)})`
      : `${c.normalizer}(${JSON.stringify(c.input)})`;
    it(label, () => {
      if (c.chain) expect(normalizeValue(c.input)).toBe(c.expect);
      else {
        const f = TRANSFORMS[c.normalizer!];
        expect(f, `transform ${c.normalizer} exists`).toBeDefined();
        expect(f(c.input)).toBe(c.expect);
      }
    });
  }

  it('every transform is pure and returns plain input unchanged', () => {
    for (const [name, f] of Object.entries(TRANSFORMS)) {
      const plain = 'plain ascii text 123';
      expect(f(plain), name).toBe(plain);
      expect(f(plain), name).toBe(f(plain));
    }
  });

  it(`stops decoding after ${MAX_DECODE_PASSES} passes and never grows the value`, () => {
    let deep = '<';
    for (let i = 0; i < 8; i++) deep = encodeURIComponent(deep);
    const out = normalizeValue(deep);
    expect(out).not.toBe('<');
    expect(out.length).toBeLessThanOrEqual(deep.length);
  });

  it('tells non-ASCII text at every length, by regular expression or by the encoder', () => {
    // Lengths on both sides of the encoder's range (256 … 16,384 code units).
    for (const n of [1, 255, 256, 4000, 16_384, 16_385, 40_000]) {
      const ascii = 'a'.repeat(n);
      expect(hasNonAscii(ascii), `ascii ${n}`).toBe(false);
      for (const c of ['é', '\u0080', '\u00ff', '\u4e2d', '\ud83d\ude00', '\ud800']) {
        const atEnd = `${'b'.repeat(Math.max(0, n - c.length))}${c}`;
        const atStart = `${c}${'c'.repeat(Math.max(0, n - c.length))}`;
        expect(hasNonAscii(atEnd), `${JSON.stringify(c)} at the end of ${n}`).toBe(true);
        expect(hasNonAscii(atStart), `${JSON.stringify(c)} at the start of ${n}`).toBe(true);
      }
    }
  });
});
