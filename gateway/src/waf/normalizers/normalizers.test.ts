import { describe, expect, it } from 'vitest';
import cases from '../../../../test/fixtures/waf/normalizers.json';
import { MAX_DECODE_PASSES, normalizeValue, NORMALIZERS, resolveNormalizers, viewsOf } from './index.ts';

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
        const n = NORMALIZERS[c.normalizer!];
        expect(n, `normalizer ${c.normalizer} is registered`).toBeDefined();
        const r = n.apply(c.input);
        expect(r.value).toBe(c.expect);
        expect(r.changed).toBe(c.expect !== c.input);
      }
    });
  }

  it('every normalizer is pure and reports unchanged input as unchanged', () => {
    for (const n of Object.values(NORMALIZERS)) {
      const plain = 'plain ascii text 123';
      const r = n.apply(plain);
      if (n.name !== 'lowercase') expect(r, n.name).toEqual({ value: plain, changed: false });
      expect(n.apply(plain), n.name).toEqual(r);
    }
  });

  it('resolves names at load and fails on an unknown name', () => {
    expect(resolveNormalizers(['url-decode', 'lowercase']).map((n) => n.name)).toEqual(['url-decode', 'lowercase']);
    expect(() => resolveNormalizers(['url-decode', 'rot13'])).toThrow(/unknown normalizer "rot13"/);
  });

  it(`stops decoding after ${MAX_DECODE_PASSES} passes and never grows the value`, () => {
    let deep = '<';
    for (let i = 0; i < 8; i++) deep = encodeURIComponent(deep);
    const out = normalizeValue(deep);
    expect(out).not.toBe('<');
    expect(out.length).toBeLessThanOrEqual(deep.length);
  });

  it('views: lower, collapsed and compact forms and a presence table', () => {
    const v = viewsOf('Jav\tA  Script:\nX');
    expect(v.lower).toBe('jav\ta  script:\nx');
    expect(v.collapsed).toBe('jav a script: x');
    expect(v.compact).toBe('javascript:x');
    expect(v.has[':'.charCodeAt(0)]).toBe(1);
    expect(v.has[';'.charCodeAt(0)]).toBe(0);
  });
});
