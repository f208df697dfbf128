import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { providers as p, savedScholarships, scholarships as s } from '../db/schema/index.ts';
import { itemColumns, providerJoin, toItem, type ItemRow } from '../catalog/serialize.ts';

/** Saved scholarships shown on /account: a shortlist, not an archive. */
const MAX_SAVED_SHOWN = 100;

/** Saves a published scholarship for a student; saving twice is one row. False when there is no such page. */
export async function saveScholarship(db: Db, userId: string, slug: string, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: s.id })
    .from(s)
    .where(and(eq(s.slug, slug), eq(s.published, true)));
  if (!row) return false;
  await db.insert(savedScholarships).values({ userId, scholarshipId: row.id, savedAt: now }).onConflictDoNothing();
  return true;
}

export async function unsaveScholarship(db: Db, userId: string, slug: string): Promise<void> {
  const [row] = await db.select({ id: s.id }).from(s).where(eq(s.slug, slug));
  if (row)
    await db
      .delete(savedScholarships)
      .where(and(eq(savedScholarships.userId, userId), eq(savedScholarships.scholarshipId, row.id)));
}

export async function isSaved(db: Db, userId: string, scholarshipId: string): Promise<boolean> {
  const rows = await db
    .select({ one: savedScholarships.userId })
    .from(savedScholarships)
    .where(and(eq(savedScholarships.userId, userId), eq(savedScholarships.scholarshipId, scholarshipId)));
  return rows.length > 0;
}

/** A student's saved scholarships, newest save first (closed ones too: they show as closed). */
export async function listSaved(db: Db, userId: string) {
  const rows = (await db
    .select(itemColumns)
    .from(savedScholarships)
    .innerJoin(s, eq(s.id, savedScholarships.scholarshipId))
    .innerJoin(p, providerJoin)
    .where(and(eq(savedScholarships.userId, userId), eq(s.published, true)))
    .orderBy(desc(savedScholarships.savedAt))
    .limit(MAX_SAVED_SHOWN)) as ItemRow[];
  return rows.map(toItem);
}
