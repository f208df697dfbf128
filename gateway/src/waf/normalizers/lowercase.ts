import type { Normalizer } from '../types.ts';

/** Case folding for case-insensitive matching (SQL keywords, tag names, URL schemes). */
export const lowercase = {
  name: 'lowercase',
  apply(input: string) {
    const value = input.toLowerCase();
    return { value, changed: value !== input };
  },
} satisfies Normalizer;
