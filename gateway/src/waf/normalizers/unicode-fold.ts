import type { Normalizer } from '../types.ts';

/**
 * Unicode NFKC: full-width `＜ｓｃｒｉｐｔ＞` and compatibility forms become ASCII. Skipped for
 * pure-ASCII input (the common case), so the cost is one scan.
 */
/** One character class, no quantifier: a linear native scan (no backtracking possible). */
const NON_ASCII = /[^\x00-\x7f]/;

export function unicodeFold(input: string): string {
  return NON_ASCII.test(input) ? input.normalize('NFKC') : input;
}

export const unicodeFoldNormalizer = {
  name: 'unicode-fold',
  apply(input: string) {
    const value = unicodeFold(input);
    return { value, changed: value !== input };
  },
} satisfies Normalizer;
