import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { scholarships as s, providers as p } from '../db/schema/index.ts';
import { filterConditions } from './filters.ts';
import { itemColumns, providerJoin, toItem, toDetail, type ItemRow } from './serialize.ts';
import { encodeCursor, decodeCursor, isIsoDate, isSafeInt } from './cursor.ts';
import type { ListQuery, Sort } from './query.ts';

/**
 * Keyset orders: each sort is a (value, id) pair walked by the matching btree index from
 * migration 0000, so page N costs the same as page 1.
 */
const ORDERS: Record<
  Sort,
  {
    kind: string;
    valid: (v: unknown) => boolean;
    key: (r: ItemRow) => string | number;
    order: SQL[];
    after: (value: string | number, id: string) => SQL;
  }
> = {
  deadline: {
    kind: 'd',
    valid: isIsoDate,
    key: (r) => r.deadline,
    order: [asc(s.deadline), asc(s.id)],
    after: (v, id) => sql`(${s.deadline}, ${s.id}) > (${v}::date, ${id}::uuid)`,
  },
  amount: {
    kind: 'a',
    valid: isSafeInt,
    key: (r) => r.amount,
    order: [desc(s.amount), desc(s.id)],
    after: (v, id) => sql`(${s.amount}, ${s.id}) < (${v}::int, ${id}::uuid)`,
  },
  newest: {
    kind: 'n',
    valid: isSafeInt,
    key: (r) => r.createdUs,
    order: [desc(s.createdAt), desc(s.id)],
    after: (v, id) =>
      sql`(${s.createdAt}, ${s.id}) < (timestamptz 'epoch' + ${v}::bigint * interval '1 microsecond', ${id}::uuid)`,
  },
};

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** `GET /api/scholarships`: published, filtered, sorted, one keyset page. */
export async function listScholarships(db: Db, q: ListQuery, day: string): Promise<Page<ReturnType<typeof toItem>>> {
  const o = ORDERS[q.sort];
  const where = filterConditions(q, day);
  if (q.cursor) {
    const c = decodeCursor(q.cursor, o.kind, o.valid);
    where.push(o.after(c.value, c.id));
  }
  const rows = (await db
    .select(itemColumns)
    .from(s)
    .innerJoin(p, providerJoin)
    .where(and(...where))
    .orderBy(...o.order)
    .limit(q.limit + 1)) as ItemRow[];
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const last = page[page.length - 1];
  return { items: page.map(toItem), next_cursor: more && last ? encodeCursor(o.kind, o.key(last), last.id) : null };
}

/** One published scholarship by slug (closed ones too: their pages stay reachable), or null. */
export async function findBySlug(db: Db, slug: string): Promise<ReturnType<typeof toDetail> | null> {
  const rows = (await db
    .select(itemColumns)
    .from(s)
    .innerJoin(p, providerJoin)
    .where(and(eq(s.slug, slug), eq(s.published, true)))
    .limit(1)) as ItemRow[];
  return rows[0] ? toDetail(rows[0]) : null;
}
