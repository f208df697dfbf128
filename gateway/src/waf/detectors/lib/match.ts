import type { Match, Target } from '../../types.ts';

/** Characters of context an excerpt keeps around the hit (the engine redacts before logging). */
const EXCERPT_RADIUS = 20;

/** Builds a Match; `at` is an approximate index into `target.value` (views may shift it a little). */
export function matchAt(ruleId: string, target: Target, at: number): Match {
  const v = target.value;
  const start = Math.max(0, Math.min(at, v.length) - EXCERPT_RADIUS);
  return { ruleId, target, excerpt: v.slice(start, start + 2 * EXCERPT_RADIUS) };
}

/** ASCII letter, digit or underscore. */
export function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

export function isAlphaCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/**
 * Index of `word` in `s` (already lower-cased) standing as a whole word (no word character on
 * either side), from `from`; -1 if none. Linear: each indexOf resumes after the previous hit.
 */
export function indexOfWord(s: string, word: string, from = 0): number {
  let i = s.indexOf(word, from);
  while (i >= 0) {
    const before = i > 0 ? s.charCodeAt(i - 1) : 32;
    const after = i + word.length < s.length ? s.charCodeAt(i + word.length) : 32;
    if (!isWordCode(before) && !isWordCode(after)) return i;
    i = s.indexOf(word, i + 1);
  }
  return -1;
}

/** First index of any of `needles` in `s`, with which needle; scans once per needle (bounded list). */
export function indexOfAny(s: string, needles: readonly string[]): { at: number; needle: string } | null {
  let best: { at: number; needle: string } | null = null;
  for (const n of needles) {
    const i = s.indexOf(n);
    if (i >= 0 && (!best || i < best.at)) best = { at: i, needle: n };
  }
  return best;
}

/** Skips spaces/tabs/newlines from `i`; returns the first non-space index. */
export function skipSpaces(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || c === 160) i++;
    else break;
  }
  return i;
}

/** Reads a run of word characters (plus extra allowed codes) at `i`. */
export function readWord(s: string, i: number, extra = ''): string {
  let j = i;
  while (j < s.length && (isWordCode(s.charCodeAt(j)) || extra.includes(s[j]))) j++;
  return s.slice(i, j);
}
