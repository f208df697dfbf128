import type { Normalizer } from '../types.ts';

/**
 * Unicode NFKC: full-width `＜ｓｃｒｉｐｔ＞` and compatibility forms become ASCII. Skipped for
 * pure-ASCII input (the common case), so the cost is one scan.
 */
/** One character class, no quantifier: a linear native scan (no backtracking possible). */
const NON_ASCII = /[^\x00-\x7f]/;

let lastTested: string | null = null;
let lastResult = false;

/**
 * True when the text has a code point above 127. Remembers the last answer: the normalizer, the
 * presence table and the XSS detector ask about the same (often unchanged) value in turn.
 */
export function hasNonAscii(s: string): boolean {
  if (s === lastTested) return lastResult;
  lastResult = NON_ASCII.test(s);
  lastTested = s;
  return lastResult;
}

export function unicodeFold(input: string): string {
  return hasNonAscii(input) ? input.normalize('NFKC') : input;
}

export const unicodeFoldNormalizer = {
  name: 'unicode-fold',
  apply(input: string) {
    const value = unicodeFold(input);
    return { value, changed: value !== input };
  },
} satisfies Normalizer;
