import { eq } from 'drizzle-orm';
import { users } from '../../backend/src/db/schema/index.ts';
import { hashPassword } from '../../backend/src/auth/password.ts';
import type { TestBackend } from './backend.ts';

/** A password every policy accepts and a naive SQL/HTML sanitizer would mangle. */
export const HARD_PASSWORD = `p'; DROP--"<x>`;

let seq = 0;
/** A unique address per call so tests in one file never collide. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}.${process.pid}.${++seq}.${Math.random().toString(36).slice(2, 8)}@example.test`;
}

export async function signup(t: TestBackend, body: { email?: string; password?: string; name?: string } = {}) {
  const input = {
    email: body.email ?? uniqueEmail(),
    password: body.password ?? HARD_PASSWORD,
    name: body.name ?? "Siobhán O'Brien",
  };
  const r = await t.request('/api/auth/signup', { json: input });
  if (r.status !== 202) throw new Error(`signup failed: ${r.status} ${await r.text()}`);
  // The answer names no account (it is the same for a registered email), so the id comes from the table.
  const [row] = await t.deps.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, input.email.trim().toLowerCase()));
  if (!row) throw new Error(`signup created no account for ${input.email}`);
  return { ...input, id: row.id };
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

export async function login(
  t: TestBackend,
  email: string,
  password: string,
  path = '/api/auth/login',
): Promise<Tokens> {
  const r = await t.request(path, { json: { email, password } });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${await r.text()}`);
  return (await r.json()) as Tokens;
}

/** Provider accounts are not self-service: they are created by seed or admin; tests insert them. */
export async function createProvider(t: TestBackend, password = HARD_PASSWORD) {
  const email = uniqueEmail('provider');
  const [row] = await t.deps.db
    .insert(users)
    .values({ email, passwordHash: await hashPassword(password), name: 'Acme Foundation', role: 'provider' })
    .returning({ id: users.id });
  return { id: row.id, email, password };
}
