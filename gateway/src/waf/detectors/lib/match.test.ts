import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NeedleSet } from './match.ts';

const unit = fc.constantFrom('a', 'b', '.', '(', ' ', '$', 'x', 'é');

describe('NeedleSet', () => {
  it('finds a needle exactly when some needle occurs (property, against includes)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit, minLength: 2, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        fc.string({ unit, maxLength: 60 }),
        (needles, s) => {
          const at = new NeedleSet(needles).find(s);
          expect(at >= 0).toBe(needles.some((n) => s.includes(n)));
          if (at >= 0) expect(needles.some((n) => s.startsWith(n, at))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reports which needle matched, and visits every occurrence until told to stop', () => {
    const set = new NeedleSet(['java.lang.', 'runtime.getruntime()', 'ognl']);
    expect(set.first('x = runtime.getruntime().exec')).toEqual({ at: 4, needle: 'runtime.getruntime()' });
    expect(set.first('a lovely essay about java')).toBeNull();
    const seen: number[] = [];
    set.scan('ognl java.lang. ognl', (at) => {
      seen.push(at);
      return false;
    });
    expect(seen).toEqual([0, 5, 16]);
  });

  it('rejects needles shorter than two characters', () => {
    expect(() => new NeedleSet(['x'])).toThrow(/too short/);
  });
});
