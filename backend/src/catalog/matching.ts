import { and, asc, eq, gte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { scholarships as s, providers as p } from '../db/schema/index.ts';
import { itemColumns, providerJoin, toItem, type ItemRow } from './serialize.ts';
import { encodeCursor, decodeCursor, isIsoDate } from './cursor.ts';
import { evaluate, criterionSql, failedCountSql, type Profile, type Reason } from './eligibility.ts';

/** Near misses returned beside eligible results: enough to be useful, bounded so the answer stays small. */
const MAX_NEAR_MISSES = 10;
/** Recommendations are a short ranked list, not a paginated catalog. */
export const MAX_RECOMMENDATIONS = 50;

const open = (day: string): SQL[] => [eq(s.published, true), gte(s.deadline, day)];
const withReasons = (profile: Profile, day: string) => (r: ItemRow) => ({
  scholarship: toItem(r),
  reasons: evaluate(profile, r, day),
});

/**
 * `POST /api/eligibility`: open scholarships the profile meets every criterion of (soonest deadline
 * first, keyset-paginated), plus a few that fail exactly one criterion, each with its reasons.
 */
export async function eligibility(db: Db, profile: Profile, page: { limit: number; cursor?: string }, day: string) {
  const where = [...open(day), ...criterionSql(profile)];
  if (page.cursor) {
    const c = decodeCursor(page.cursor, 'e', isIsoDate);
    where.push(sql`(${s.deadline}, ${s.id}) > (${c.value}::date, ${c.id}::uuid)`);
  }
  const [rows, misses] = await Promise.all([
    db
      .select(itemColumns)
      .from(s)
      .innerJoin(p, providerJoin)
      .where(and(...where))
      .orderBy(asc(s.deadline), asc(s.id))
      .limit(page.limit + 1) as Promise<ItemRow[]>,
    page.cursor
      ? Promise.resolve([] as ItemRow[])
      : (db
          .select(itemColumns)
          .from(s)
          .innerJoin(p, providerJoin)
          .where(and(...open(day), sql`${failedCountSql(profile)} = 1`))
          .orderBy(asc(s.deadline), asc(s.id))
          .limit(MAX_NEAR_MISSES) as Promise<ItemRow[]>),
  ]);
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const last = shown[shown.length - 1];
  return {
    items: shown.map(withReasons(profile, day)),
    next_cursor: more && last ? encodeCursor('e', last.deadline, last.id) : null,
    near_misses: misses.map(withReasons(profile, day)),
  };
}

export interface Recommendation {
  scholarship: ReturnType<typeof toItem>;
  score: number;
  reasons: Reason[];
  highlights: string[];
}

/**
 * Ranking of eligible, open scholarships for a profile. Fit dominates (a scholarship aimed at the
 * student's field/level/state/interests beats one open to everyone), then deadline urgency and size:
 * fit 0-6 points, deadline 0-1 (closer is higher, within a year), amount 0-1 (log scale to $100k).
 */
export async function recommend(db: Db, profile: Profile, limit: number, day: string): Promise<Recommendation[]> {
  const interests = profile.interests.filter((x) => /[\p{L}\p{N}]/u.test(x)).slice(0, 20);
  const interestQuery = interests.length
    ? sql`websearch_to_tsquery('english', ${interests.map((x) => `"${x.replace(/"/g, ' ')}"`).join(' or ')})`
    : null;
  const [levelOk, fieldOk, , stateOk] = criterionSql(profile);
  const targeted = (arr: SQL, cond: SQL) => sql`(case when ${arr} <> '{}' and ${cond} then 1 else 0 end)`;
  const fit = sql`(
    2 * ${targeted(sql`${s.fields}`, fieldOk)}
    + ${targeted(sql`${s.levels}`, levelOk)}
    + ${targeted(sql`${s.states}`, stateOk)}
    + ${sql`(case when ${s.minGpa} is not null then 1 else 0 end)`}
    + ${interestQuery ? sql`(case when search_vector @@ ${interestQuery} then 1 else 0 end)` : sql`0`})`;
  const urgency = sql`(1 - least(${s.deadline} - ${day}::date, 365) / 365.0)`;
  const size = sql`least(log(greatest(${s.amount}, 1)) / 5.0, 1)`;
  const score = sql<number>`(${fit} + ${urgency} + ${size})::float8`.mapWith(Number);
  const rows = (await db
    .select({
      ...itemColumns,
      score,
      fit: sql<number>`${fit}`.mapWith(Number),
      interestHit: interestQuery ? sql<boolean>`search_vector @@ ${interestQuery}` : sql<boolean>`false`,
    })
    .from(s)
    .innerJoin(p, providerJoin)
    .where(and(...open(day), ...criterionSql(profile)))
    .orderBy(sql`${score} desc`, asc(s.deadline), asc(s.id))
    .limit(limit)) as (ItemRow & { score: number; interestHit: boolean })[];
  return rows.map((r) => {
    const reasons = evaluate(profile, r, day);
    const days = Math.round((Date.parse(r.deadline) - Date.parse(day)) / 86_400_000);
    const highlights = [
      ...reasons
        .filter((x) => x.matched && x.criterion !== 'deadline' && !/^(Open to every|Open in every|No )/.test(x.detail))
        .map((x) => x.detail),
      ...(r.interestHit ? ['Mentions one of your interests'] : []),
      days <= 30 ? `Deadline soon: ${days} days left` : `Deadline in ${days} days`,
      `Award $${r.amount.toLocaleString('en-US')}`,
    ];
    return { scholarship: toItem(r), score: Math.round(r.score * 1000) / 1000, reasons, highlights };
  });
}
