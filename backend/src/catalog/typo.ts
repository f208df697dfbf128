import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rowsOf } from '../db/client.ts';

/** Shorter words are too ambiguous to correct ("art" → "arts"/"cart"). */
const MIN_CORRECTABLE_LENGTH = 4;
/**
 * Trigram similarity a candidate needs. Low enough for short words ("fist" → "first" scores 0.375);
 * the edit-distance cap below and the result-count check in search.ts keep the noise out.
 */
const MIN_SIMILARITY = 0.3;
/** Nearest vocabulary words (by trigram distance) considered per unknown word. */
const CANDIDATES = 8;
/** Most edits (insert, delete, substitute, swap) a correction may be from the typed word. */
const maxEdits = (word: string) => (word.length <= 5 ? 1 : 2);
/** Words looked up per query; the rest pass through unchanged. */
const MAX_WORDS = 8;
/** Letters (any script) and digits: the words of a query, as Postgres' parser would see them. */
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Words known to need no correction (in the vocabulary, or stop words), per database. The
 * vocabulary only grows, so a positive answer stays true and most queries skip the lookup.
 */
const KNOWN = new WeakMap<object, Set<string>>();
/** Bound on the remembered words per database (a real catalog has tens of thousands). */
const MAX_KNOWN = 50_000;

/**
 * Answers for words that are not in the vocabulary (their nearest word, or none), per database.
 * Misspellings repeat ("nursng"), and each lookup is a round trip. The vocabulary only grows, so an
 * answer goes stale only when a new catalog word is nearer (or is the word itself): reusing it for
 * a minute costs at most a minute of a slightly worse correction.
 */
const CORRECTIONS = new WeakMap<object, Map<string, { nearest: string | null; until: number }>>();
/** @internal exported for its tests */
export const CORRECTION_TTL_MS = 60_000;
/** Bound on remembered misspellings per database; the oldest go first. */
const MAX_CORRECTIONS = 10_000;

export interface Correction {
  from: string;
  to: string;
}

/**
 * Typo tolerance: each query word that appears nowhere in the catalog (`search_words`, filled by
 * a trigger) and is not a stop word is replaced by its nearest catalog word by trigram similarity.
 * The query's syntax (quotes, OR, -) is kept because only the words themselves are replaced.
 */
export async function correctQuery(
  db: Db,
  text: string,
  now = Date.now(),
): Promise<{ text: string; corrections: Correction[] }> {
  const words = [...new Set((text.match(WORD) ?? []).map((w) => w.toLowerCase()))]
    .filter((w) => w.length >= MIN_CORRECTABLE_LENGTH && w.length <= 40 && !/^\d+$/.test(w) && w !== 'or')
    .slice(0, MAX_WORDS);
  const known = KNOWN.get(db) ?? new Set<string>();
  KNOWN.set(db, known);
  const remembered = CORRECTIONS.get(db) ?? new Map<string, { nearest: string | null; until: number }>();
  CORRECTIONS.set(db, remembered);
  const unknown = words.filter((w) => !known.has(w) && !((remembered.get(w)?.until ?? 0) > now));
  if (unknown.length > 0) {
    const rows = rowsOf<{ word: string; candidates: string[] | null }>(
      await db.execute(sql`
      select t.word,
        array(select w.word from search_words w
          where w.word % t.word and similarity(w.word, t.word) >= ${MIN_SIMILARITY}
          order by w.word <-> t.word, w.word limit ${CANDIDATES}) as candidates
      from json_array_elements_text(${JSON.stringify(unknown)}::json) as t(word)
      where not exists (select 1 from search_words w where w.word = t.word)
        and numnode(plainto_tsquery('english', t.word)) > 0`),
    );
    const needing = new Set(rows.map((r) => r.word));
    for (const w of unknown) if (!needing.has(w) && known.size < MAX_KNOWN) known.add(w);
    for (const r of rows) {
      remembered.delete(r.word);
      if (remembered.size >= MAX_CORRECTIONS) remembered.delete(remembered.keys().next().value!);
      remembered.set(r.word, { nearest: closest(r.word, r.candidates ?? []), until: now + CORRECTION_TTL_MS });
    }
  }
  const map = new Map<string, string>();
  for (const w of words) {
    const nearest = known.has(w) ? null : remembered.get(w)?.nearest;
    if (nearest) map.set(w, nearest);
  }
  if (map.size === 0) return { text, corrections: [] };
  const corrected = text.replace(WORD, (w) => map.get(w.toLowerCase()) ?? w);
  return { text: corrected, corrections: [...map].map(([from, to]) => ({ from, to })) };
}

/**
 * The candidate fewest edits away (trigram order breaks ties), within `maxEdits`. Trigram distance
 * alone ranks "scholars" above "scholarship" for "scholarshp"; the typist meant the one-edit word.
 * @internal exported for its tests
 */
export function closest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestEdits = maxEdits(word) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c, bestEdits);
    if (d < bestEdits) [best, bestEdits] = [c, d];
  }
  return best;
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent swaps), giving up past `cap`.
 * @internal exported for its tests
 */
export function editDistance(a: string, b: string, cap = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], prev2[j - 2] + 1);
    }
    [prev2, prev] = [prev, row];
  }
  return Math.min(prev[b.length], cap);
}
