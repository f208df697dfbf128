import type { z } from 'zod';
import type { Db } from '../db/client.ts';
import { users } from '../db/schema/index.ts';
import { hashPassword } from '../auth/password.ts';
import { SignupBody } from '../auth/schemas.ts';

/** The same rules as a signup (normalized email, password length), with a default name. */
export const AdminInput = SignupBody.extend({ name: SignupBody.shape.name.default('Administrator') });
export type AdminInput = z.input<typeof AdminInput>;

export type CreateAdminResult = { kind: 'created'; id: string; email: string } | { kind: 'exists'; email: string };

/**
 * Creates an admin account (the only way one comes to exist: signup makes students). An email
 * already registered is reported, never promoted silently: promoting is a decision for a person.
 */
export async function createAdmin(db: Db, input: z.output<typeof AdminInput>): Promise<CreateAdminResult> {
  const [row] = await db
    .insert(users)
    .values({ email: input.email, passwordHash: await hashPassword(input.password), name: input.name, role: 'admin' })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id, email: users.email });
  return row ? { kind: 'created', id: row.id, email: row.email } : { kind: 'exists', email: input.email };
}
