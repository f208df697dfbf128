import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { studentProfiles } from '../db/schema/index.ts';
import type { StudentProfile, StudentProfileInput } from './student-profile.ts';

type Row = typeof studentProfiles.$inferSelect;

/** Database row → API shape (snake_case, GPA as a number). */
function toProfile(row: Row): StudentProfile {
  return {
    level: row.level as StudentProfile['level'],
    field_of_study: row.fieldOfStudy,
    gpa: row.gpa === null ? null : Number(row.gpa),
    state: row.state,
    citizenship: row.citizenship as StudentProfile['citizenship'],
    interests: row.interests,
    updated_at: row.updatedAt.toISOString(),
  };
}

export async function getProfile(db: Db, userId: string): Promise<StudentProfile | null> {
  const [row] = await db.select().from(studentProfiles).where(eq(studentProfiles.userId, userId));
  return row ? toProfile(row) : null;
}

/** PUT semantics: the body replaces the whole profile; an absent field becomes empty. */
export async function putProfile(
  db: Db,
  userId: string,
  input: StudentProfileInput,
  now: Date,
): Promise<StudentProfile> {
  const values = {
    level: input.level ?? null,
    fieldOfStudy: input.field_of_study ?? null,
    gpa: input.gpa == null ? null : input.gpa.toFixed(2),
    state: input.state ?? null,
    citizenship: input.citizenship ?? null,
    interests: input.interests ?? [],
    updatedAt: now,
  };
  const [row] = await db
    .insert(studentProfiles)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: studentProfiles.userId, set: values })
    .returning();
  return toProfile(row);
}
