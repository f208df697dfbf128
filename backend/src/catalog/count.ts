import { and, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.ts';
import { scholarships as s } from '../db/schema/index.ts';
import { filterConditions } from './filters.ts';
import type { Filters } from './query.ts';

/**
 * Counts stop here: "more than 500" is as useful to a person as the exact number, and counting
 * every open row of a 100k catalog on each page view would cost more than the page itself (the
 * count's cost grows with the rows it reads before the cap).
 */
export const COUNT_CAP = 500;

/**
 * Open scholarships matching the filters, up to COUNT_CAP + 1 (the list page). The search page's
 * count comes from the search statement itself (search.ts `countedSql`).
 */
export async function countMatching(db: Db, f: Filters, day: string): Promise<number> {
  const where = and(...filterConditions(f, day));
  const rows = rowsOf<{ n: number }>(
    await db.execute(
      sql`select count(*)::int as n from (select 1 from ${s} where ${where} limit ${COUNT_CAP + 1}) hits`,
    ),
  );
  return Number(rows[0]?.n ?? 0);
}
