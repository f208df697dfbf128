import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { users } from '../db/schema/index.ts';
import { dummyHash, hashPassword, verifyPassword } from './password.ts';
import type { Role } from './tokens.ts';
import { logins } from '../ops/metrics.ts';

export interface Account {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** Creates a student account; null when the email is taken. Email arrives normalized (lower-case). */
export async function createStudent(
  db: Db,
  input: { email: string; password: string; name: string },
  now: Date,
): Promise<Account | null> {
  const passwordHash = await hashPassword(input.password);
  const [row] = await db
    .insert(users)
    .values({ email: input.email, passwordHash, name: input.name, role: 'student', createdAt: now })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id, email: users.email, name: users.name, role: users.role });
  return row ?? null;
}

/**
 * Checks email and password. Unknown emails still pay for one scrypt verification against a dummy
 * hash, so the answer time does not tell which accounts exist. `roles` restricts who may log in
 * here; a wrong role is indistinguishable from a wrong password.
 */
export async function authenticate(
  db: Db,
  email: string,
  password: string,
  roles: readonly Role[],
): Promise<Account | null> {
  const [row] = await db.select().from(users).where(eq(users.email, email));
  const ok = await verifyPassword(password, row?.passwordHash ?? (await dummyHash()));
  const success = !!row && ok && roles.includes(row.role);
  logins.inc({ outcome: success ? 'success' : 'failure' });
  if (!row || !success) return null;
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}
