import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { addProvider, TEST_DAY } from '../../../test/support/catalog-fixtures.ts';
import { rowsOf } from '../db/client.ts';
import { scholarships } from '../db/schema/index.ts';
import { SearchQuery } from './query.ts';
import { searchScholarships } from './search.ts';

/**
 * A broad query ranks the first 1,000 matches of each tier in table order. Postgres reads them with
 * a sequential scan when most rows match, and a sequential scan of a table larger than a quarter of
 * shared_buffers starts where the previous scan of that table stopped (synchronize_seqscans): the
 * same query then ranked another thousand rows on every request, and its next page skipped or
 * repeated results. Here every row matches "orchid" with the same score (so the page is the
 * highest ids among the candidates), the table is one row per page to pass the quarter with few
 * rows, and a scan that stops halfway moves the shared start position between requests.
 */
let db: TestDatabase;
let rows = 0;
/** Rows needed to pass a quarter of shared_buffers at one row per page, plus a margin. */
let needed = 0;
/** Long enough that two rows never share a page at fillfactor 10 (819 bytes). */
const DESCRIPTION = 'For students of botany who keep field notes. '.repeat(20);
/** Beyond this the setup would take too long for a unit test (shared_buffers over ~200 MB). */
const MAX_ROWS = 7_000;

beforeAll(async () => {
  db = await createTestDatabase();
  const [{ buffers }] = rowsOf<{ buffers: number }>(
    await db.owner.execute(sql`select setting::int as buffers from pg_settings where name = 'shared_buffers'`),
  );
  needed = Math.ceil(buffers / 4) + 600;
  if (needed > MAX_ROWS) return;
  // fillfactor 10 leaves room for one row per 8 kB page.
  await db.owner.execute(sql`alter table scholarships set (fillfactor = 10)`);
  const p = await addProvider(db.db, 'Stable Scan Fund');
  for (let i = 0; i < needed; i += 500) {
    await db.db.insert(scholarships).values(
      Array.from({ length: Math.min(500, needed - i) }, (_, k) => ({
        providerId: p.id,
        title: `Orchid Award ${i + k}`,
        slug: `orchid-${i + k}`,
        description: DESCRIPTION,
        amount: 1000,
        deadline: '2026-06-30',
      })),
    );
  }
  await db.owner.execute(sql`analyze scholarships`);
  rows = needed;
}, 120_000);
afterAll(() => db?.close());

/** A sequential scan that stops halfway: the next one of this table would start there. */
async function stopAScanHalfway(): Promise<void> {
  await db.db.execute(sql`select 1 from scholarships where title = ${`Orchid Award ${Math.floor(rows / 2)}`} limit 1`);
}

async function page(cursor?: string) {
  return searchScholarships(db.db, SearchQuery.parse({ q: 'orchid', ...(cursor ? { cursor } : {}) }), TEST_DAY);
}

describe('search over a table larger than a quarter of shared_buffers', () => {
  it('ranks the same candidates whatever scan ran before', async (ctx) => {
    if (needed > MAX_ROWS) ctx.skip(`shared_buffers needs ${needed} one-page rows here; over ${MAX_ROWS} is too slow`);
    const first = (await page()).items.map((i) => i.slug);
    expect(first).toHaveLength(20);
    for (let i = 0; i < 3; i++) {
      await stopAScanHalfway();
      expect((await page()).items.map((i) => i.slug)).toEqual(first);
    }
  });

  it('pages on without repeating or skipping a result', async (ctx) => {
    if (needed > MAX_ROWS) ctx.skip(`shared_buffers needs ${needed} one-page rows here; over ${MAX_ROWS} is too slow`);
    const pages: string[][] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 4; i++) {
      await stopAScanHalfway();
      const p = await page(cursor);
      pages.push(p.items.map((x) => x.slug));
      cursor = p.next_cursor ?? undefined;
    }
    const all = pages.flat();
    expect(new Set(all).size).toBe(all.length);
    // Without a scan in between, the same four pages.
    const again: string[] = [];
    cursor = undefined;
    for (let i = 0; i < 4; i++) {
      const p = await page(cursor);
      again.push(...p.items.map((x) => x.slug));
      cursor = p.next_cursor ?? undefined;
    }
    expect(all).toEqual(again);
  });
});
