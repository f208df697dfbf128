import { describe, it, expect } from 'vitest';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { closest, correctQuery, editDistance, CORRECTION_TTL_MS } from './typo.ts';

/** A database that answers the vocabulary lookup from a table and counts the lookups. */
function fakeDb(nearest: Record<string, string | null>) {
  const db = {
    lookups: [] as string[][],
    async execute(query: SQL) {
      // The words travel as one JSON array parameter.
      const words = JSON.parse(
        new PgDialect().sqlToQuery(query).params.find((p) => typeof p === 'string' && p.startsWith('['))! as string,
      ) as string[];
      db.lookups.push(words);
      return words
        .filter((w) => w in nearest)
        .map((w) => ({ word: w, candidates: nearest[w] === null ? [] : [nearest[w]] }));
    },
  };
  return db;
}

describe('correctQuery', () => {
  it('corrects unknown words and keeps the query syntax', async () => {
    const db = fakeDb({ nursng: 'nursing', qqqq: null });
    const r = await correctQuery(db as unknown as Db, '"Nursng" -texas qqqq', 0);
    expect(r).toEqual({ text: '"nursing" -texas qqqq', corrections: [{ from: 'nursng', to: 'nursing' }] });
    expect(db.lookups).toEqual([['nursng', 'texas', 'qqqq']]);
  });

  it('looks a word up again only after the correction TTL', async () => {
    const db = fakeDb({ enginering: 'engineering' });
    await correctQuery(db as unknown as Db, 'enginering texas', 1000);
    // texas is a catalog word: remembered for good. enginering: remembered for the TTL.
    expect((await correctQuery(db as unknown as Db, 'enginering texas', 1000 + CORRECTION_TTL_MS - 1)).text).toBe(
      'engineering texas',
    );
    expect(db.lookups).toEqual([['enginering', 'texas']]);
    expect((await correctQuery(db as unknown as Db, 'Enginering', 1000 + CORRECTION_TTL_MS)).text).toBe('engineering');
    expect(db.lookups).toEqual([['enginering', 'texas'], ['enginering']]);
  });
});

describe('closest', () => {
  it.each([
    ['scholarshp', ['scholars', 'scholarship', 'scholarships'], 'scholarship'],
    ['fist', ['fiscal', 'first', 'fish'], 'first'],
    ['nursng', ['nurse', 'nursing'], 'nursing'],
    ['aviaton', ['aviation'], 'aviation'],
    ['teh', ['the'], 'the'],
    ['qqqq', ['quiz'], null],
    ['robotics', ['rob', 'robe'], null],
  ])('%s among %j → %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });

  it('edit distance counts swaps as one edit', () => {
    expect(editDistance('form', 'from')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
