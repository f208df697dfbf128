import type { Normalizer } from '../types.ts';

/**
 * Unicode NFKC: full-width `＜ｓｃｒｉｐｔ＞` and compatibility forms become ASCII. Skipped for
 * pure-ASCII input (the common case), so the cost is one scan.
 */
export function unicodeFold(input: string): string {
  for (let i = 0; i < input.length; i++) {
    if (input.charCodeAt(i) > 0x7f) return input.normalize('NFKC');
  }
  return input;
}

export const unicodeFoldNormalizer = {
  name: 'unicode-fold',
  apply(input: string) {
    const value = unicodeFold(input);
    return { value, changed: value !== input };
  },
} satisfies Normalizer;
