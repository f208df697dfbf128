import type { Match, Target } from '../../types.ts';

/** Characters of context an excerpt keeps around the hit (the engine redacts before logging). */
const EXCERPT_RADIUS = 20;

/** Builds a Match; `at` is an approximate index into `target.value` (views may shift it a little). */
export function matchAt(ruleId: string, target: Target, at: number): Match {
  const v = target.value;
  const start = Math.max(0, Math.min(at, v.length) - EXCERPT_RADIUS);
  return { ruleId, target, excerpt: v.slice(start, start + 2 * EXCERPT_RADIUS) };
}

/**
 * The matches of one target, the first position per rule. A class rather than an `add` closure
 * per call: the detectors run for every value of every request, and with `keepNames` (tsx,
 * wrangler) each closure created costs a `defineProperty`.
 */
export class Findings {
  /** Allocated on the first match: most values match nothing. */
  private byRule: Map<string, Match> | null = null;
  constructor(private readonly target: Target) {}
  add(ruleId: string, at: number): void {
    this.byRule ??= new Map();
    if (!this.byRule.has(ruleId)) this.byRule.set(ruleId, matchAt(ruleId, this.target, at));
  }
  has(ruleId: string): boolean {
    return this.byRule?.has(ruleId) ?? false;
  }
  list(): Match[] {
    return this.byRule ? [...this.byRule.values()] : [];
  }
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

/** Bigrams frequent in English prose; an anchor on one of them would be checked at every other word. */
const COMMON_BIGRAMS = new Set([
  'th',
  'he',
  'in',
  'er',
  'an',
  're',
  'on',
  'at',
  'en',
  'nd',
  'ti',
  'es',
  'or',
  'te',
  'of',
  'ed',
  'is',
  'it',
  'al',
  'ar',
  'st',
  'to',
  'nt',
  'ng',
  'se',
  'ha',
  'as',
  'ou',
  'io',
  'le',
  've',
  'co',
  'me',
  'de',
  'hi',
  'ri',
  'ro',
  'ic',
  'ne',
  'ea',
  'ra',
  'ce',
  'li',
  'ch',
  'll',
  'be',
  'ma',
  'si',
  'om',
  'ur',
]);

function bigramCost(a: string, b: string): number {
  const cost = (c: string) => (/[a-z]/.test(c) ? 4 : c === ' ' ? 5 : /[0-9]/.test(c) ? 2 : 0);
  return cost(a) + cost(b) + (COMMON_BIGRAMS.has(a + b) ? 4 : 0);
}

const hashOf = (a: number, b: number) => ((a & 127) << 7) | (b & 127);

/**
 * A fixed list of needles (lower case, length ≥ 2) found in one pass over a value instead of one
 * `indexOf` per needle. Each needle is anchored at its rarest bigram (punctuation beats digits beats
 * letters; common English pairs cost extra), so prose rarely reaches the `startsWith` check. Built
 * once at module load; a scan is linear in the value times the (small) bucket sizes.
 */
export class NeedleSet {
  private readonly filter = new Uint8Array(1 << 14);
  private readonly buckets = new Map<number, { needle: string; off: number; index: number }[]>();

  constructor(readonly needles: readonly string[]) {
    needles.forEach((needle, index) => {
      if (needle.length < 2) throw new Error(`NeedleSet: needle too short: ${needle}`);
      let off = 0;
      let best = Infinity;
      for (let i = 0; i + 1 < needle.length; i++) {
        const c = bigramCost(needle[i], needle[i + 1]);
        if (c < best) {
          best = c;
          off = i;
        }
      }
      const h = hashOf(needle.charCodeAt(off), needle.charCodeAt(off + 1));
      this.filter[h] = 1;
      const list = this.buckets.get(h) ?? [];
      list.push({ needle, off, index });
      this.buckets.set(h, list);
    });
  }

  /** Calls `visit(start, needleIndex)` for each occurrence in scan order until it returns true. */
  scan(s: string, visit: (at: number, index: number) => boolean): void {
    const n = s.length - 1;
    const filter = this.filter;
    let prev = s.charCodeAt(0);
    for (let i = 0; i < n; i++) {
      const next = s.charCodeAt(i + 1);
      const h = ((prev & 127) << 7) | (next & 127);
      prev = next;
      if (filter[h] === 0) continue;
      for (const c of this.buckets.get(h)!) {
        const at = i - c.off;
        if (at >= 0 && s.startsWith(c.needle, at) && visit(at, c.index)) return;
      }
    }
  }

  /** Start of some occurrence of any needle (the first found in scan order), or -1. */
  find(s: string): number {
    let found = -1;
    this.scan(s, (at) => {
      found = at;
      return true;
    });
    return found;
  }

  /** First occurrence found, with the needle, or null. */
  first(s: string): { at: number; needle: string } | null {
    let hit: { at: number; needle: string } | null = null;
    this.scan(s, (at, index) => {
      hit = { at, needle: this.needles[index] };
      return true;
    });
    return hit;
  }
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
