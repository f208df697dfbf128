import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { scholarships as s, providers as p, users } from '../db/schema/index.ts';
import { itemColumns, providerJoin, toDetail, type ItemRow } from '../catalog/serialize.ts';
import { encodeCursor, decodeCursor, isSafeInt } from '../catalog/cursor.ts';
import { slugify } from '../catalog/slug.ts';
import { ProblemError } from '../http/problem.ts';
import type { CreateListing, UpdateListing } from './listing-schema.ts';

/** Attempts at a unique slug: the plain title, then random suffixes (36^6 each). */
const SLUG_ATTEMPTS = 5;

export type ListingStatus = 'draft' | 'published' | 'closed';
type ListingRow = ItemRow & { status: ListingStatus | null };
const listingColumns = { ...itemColumns, status: s.status };
const toListing = (r: ListingRow) => ({
  ...toDetail(r),
  published: r.published,
  status: r.status ?? (r.published ? 'published' : 'draft'),
});

/** `status` decides what is public; without it, `published` maps onto published/draft (older clients). */
function statusColumns(v: { status?: ListingStatus; published?: boolean }) {
  const status = v.status ?? (v.published === undefined ? undefined : v.published ? 'published' : 'draft');
  return status === undefined ? {} : { status, published: status === 'published' };
}
export type Listing = ReturnType<typeof toListing>;

/** The provider a logged-in provider account acts for; 403 when the account has none. */
export async function providerIdOf(db: Db, userId: string): Promise<string> {
  const [u] = await db.select({ providerId: users.providerId }).from(users).where(eq(users.id, userId));
  if (!u?.providerId) throw new ProblemError('FORBIDDEN', 'This account is not linked to a provider organisation');
  return u.providerId;
}

export async function listOwn(db: Db, providerId: string, page: { limit: number; cursor?: string }) {
  const where = [eq(s.providerId, providerId)];
  if (page.cursor) {
    const c = decodeCursor(page.cursor, 'p', isSafeInt);
    where.push(
      sql`(${s.createdAt}, ${s.id}) < (timestamptz 'epoch' + ${c.value}::bigint * interval '1 microsecond', ${c.id}::uuid)`,
    );
  }
  const rows = (await db
    .select(listingColumns)
    .from(s)
    .innerJoin(p, providerJoin)
    .where(and(...where))
    .orderBy(desc(s.createdAt), desc(s.id))
    .limit(page.limit + 1)) as ListingRow[];
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const last = shown[shown.length - 1];
  return { items: shown.map(toListing), next_cursor: more && last ? encodeCursor('p', last.createdUs, last.id) : null };
}

/** One listing of this provider; another provider's (or a missing) id is the same 404. */
export async function getOwn(db: Db, providerId: string, id: string): Promise<Listing> {
  const [r] = (await db
    .select(listingColumns)
    .from(s)
    .innerJoin(p, providerJoin)
    .where(and(eq(s.id, id), eq(s.providerId, providerId)))) as ListingRow[];
  if (!r) throw new ProblemError('NOT_FOUND', 'No listing of yours has this id');
  return toListing(r);
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.code === '23505' || err?.cause?.code === '23505';
}

export async function createListing(db: Db, providerId: string, v: CreateListing): Promise<Listing> {
  const base = slugify(v.title);
  for (let attempt = 0; attempt < SLUG_ATTEMPTS; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}`;
    try {
      const [row] = await db
        .insert(s)
        .values({
          slug,
          providerId,
          title: v.title,
          description: v.description,
          amount: v.amount,
          deadline: v.deadline,
          levels: v.levels,
          fields: v.fields,
          minGpa: v.min_gpa === null ? null : v.min_gpa.toFixed(2),
          states: v.states,
          citizenship: v.citizenship,
          essayRequired: v.essay_required,
          published: v.published,
          ...statusColumns(v),
        })
        .returning({ id: s.id });
      return getOwn(db, providerId, row.id);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
  }
  throw new ProblemError('CONFLICT', 'Could not find a free URL for this title; change the title slightly');
}

/** Changes the given fields; the slug (the public URL) never changes. */
export async function updateListing(db: Db, providerId: string, id: string, v: UpdateListing): Promise<Listing> {
  const set: Partial<typeof s.$inferInsert> = { updatedAt: new Date() };
  if (v.title !== undefined) set.title = v.title;
  if (v.description !== undefined) set.description = v.description;
  if (v.amount !== undefined) set.amount = v.amount;
  if (v.deadline !== undefined) set.deadline = v.deadline;
  if (v.levels !== undefined) set.levels = v.levels;
  if (v.fields !== undefined) set.fields = v.fields;
  if (v.min_gpa !== undefined) set.minGpa = v.min_gpa === null ? null : v.min_gpa.toFixed(2);
  if (v.states !== undefined) set.states = v.states;
  if (v.citizenship !== undefined) set.citizenship = v.citizenship;
  if (v.essay_required !== undefined) set.essayRequired = v.essay_required;
  Object.assign(set, statusColumns(v));
  const updated = await db
    .update(s)
    .set(set)
    .where(and(eq(s.id, id), eq(s.providerId, providerId)))
    .returning({ id: s.id });
  if (updated.length === 0) throw new ProblemError('NOT_FOUND', 'No listing of yours has this id');
  return getOwn(db, providerId, id);
}
