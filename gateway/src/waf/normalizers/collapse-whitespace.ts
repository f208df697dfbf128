import type { Normalizer } from '../types.ts';

/** True for ASCII whitespace, vertical tab, form feed and NBSP. */
export function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160;
}

/** Collapses every whitespace run (tabs, newlines, NBSP) into a single space and trims the ends. */
export function collapseWhitespace(input: string): string {
  let out = '';
  let pendingSpace = false;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (isSpaceCode(c)) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) out += ' ';
    pendingSpace = false;
    out += input[i];
  }
  return out;
}

export const collapseWhitespaceNormalizer = {
  name: 'collapse-whitespace',
  apply(input: string) {
    const value = collapseWhitespace(input);
    return { value, changed: value !== input };
  },
} satisfies Normalizer;
