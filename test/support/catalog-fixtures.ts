/** Test helpers for catalog tests: hand-made rows on top of the deterministic demo data. */
import { providers, scholarships, users } from '../../backend/src/db/schema/index.ts';
import type { Db } from '../../backend/src/db/client.ts';
import { signAccessToken, type Role } from '../../backend/src/auth/tokens.ts';
import type { AppDeps } from '../../backend/src/deps.ts';

/** The day catalog tests pretend it is; demo deadlines are 7-365 days after it. */
export const TEST_DAY = '2026-01-15';
export const TEST_NOW = () => new Date(`${TEST_DAY}T12:00:00Z`);

let counter = 0;

export async function addProvider(db: Db, name = `Test Provider ${++counter}`) {
  const [p] = await db
    .insert(providers)
    .values({ slug: `test-provider-${Date.now().toString(36)}-${++counter}`, name })
    .returning();
  return p;
}

type NewScholarship = typeof scholarships.$inferInsert;
export async function addScholarship(db: Db, providerId: string, row: Partial<NewScholarship> & { title: string }) {
  const slug = row.slug ?? `${row.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${++counter}`;
  const [s] = await db
    .insert(scholarships)
    .values({
      description: 'A scholarship for testing.',
      amount: 1000,
      deadline: '2026-06-30',
      ...row,
      slug,
      providerId,
    })
    .returning();
  return s;
}

export async function addUser(db: Db, role: Role, providerId?: string) {
  const [u] = await db
    .insert(users)
    .values({
      email: `${role}-${++counter}-${Date.now()}@example.test`,
      passwordHash: 'x',
      name: `Test ${role}`,
      role,
      providerId: providerId ?? null,
    })
    .returning();
  return u;
}

export function tokenFor(deps: AppDeps, user: { id: string; role: Role }) {
  return signAccessToken(
    { keys: deps.keys, issuer: deps.env.JWT_ISSUER, audience: deps.env.JWT_AUDIENCE },
    { sub: user.id, role: user.role },
    deps.now().getTime(),
  );
}
