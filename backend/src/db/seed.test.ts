import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { seedDemo, isEmpty, DEMO_ACCOUNTS } from './seed.ts';
import { rowsOf } from './client.ts';
import { demoScholarship } from '../catalog/demo/generate.ts';
import { verifyPassword } from '../auth/password.ts';

let db: TestDatabase;
const anchor = new Date('2026-03-01T00:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.close());

async function catalogHash(): Promise<{ hash: string; slugs: string[] }> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.db.execute(sql`
    select s.id, s.slug, s.title, s.description, s.amount, s.deadline::text, s.levels, s.fields, s.min_gpa::text, s.states,
      s.citizenship, s.essay_required, s.published, s.created_at::text, p.slug as provider
    from scholarships s join providers p on p.id = s.provider_id order by s.slug`),
  );
  return {
    hash: createHash('sha256').update(JSON.stringify(rows)).digest('hex'),
    slugs: rows.map((r) => r.slug as string),
  };
}

describe('demo seed', () => {
  it('is deterministic: same count and anchor, same rows', async () => {
    expect(await isEmpty(db.db)).toBe(true);
    await seedDemo(db.owner, { count: 120, anchor });
    expect(await isEmpty(db.db)).toBe(false);
    const first = await catalogHash();
    expect(first.slugs).toHaveLength(120);
    await seedDemo(db.owner, { count: 120, anchor, reset: true });
    expect(await catalogHash()).toEqual(first);
    // Re-running without --reset adds nothing and changes nothing.
    await seedDemo(db.owner, { count: 120, anchor });
    expect(await catalogHash()).toEqual(first);
  });

  it('a smaller count is a prefix of a larger one, and progress is reported', async () => {
    const seen: number[] = [];
    await seedDemo(db.owner, { count: 30, anchor, reset: true, onProgress: (done) => seen.push(done) });
    const small = await catalogHash();
    expect(seen).toEqual([30]);
    expect(new Set(small.slugs)).toEqual(
      new Set(Array.from({ length: 30 }, (_, i) => demoScholarship(i, anchor).slug)),
    );
    expect(JSON.stringify(demoScholarship(7, anchor))).toBe(JSON.stringify(demoScholarship(7, anchor)));
    expect(demoScholarship(7, anchor).slug).not.toBe(demoScholarship(8, anchor).slug);
  });

  it('generates realistic rows: future deadlines, several sentences, valid ranges', () => {
    for (let i = 0; i < 500; i++) {
      const s = demoScholarship(i, anchor);
      expect(s.deadline > '2026-03-01' && s.deadline <= '2027-03-01').toBe(true);
      expect(s.description.split('. ').length).toBeGreaterThanOrEqual(3);
      expect(s.amount).toBeGreaterThan(0);
      if (s.min_gpa !== null) expect(Number(s.min_gpa)).toBeLessThanOrEqual(4);
      expect(s.title.length).toBeLessThanOrEqual(200);
    }
  });

  it('creates the demo accounts with working passwords and a student profile', async () => {
    const users = rowsOf<{ email: string; role: string; password_hash: string; provider_id: string | null }>(
      await db.db.execute(sql`select email, role, password_hash, provider_id from users order by email`),
    );
    for (const a of DEMO_ACCOUNTS) {
      const u = users.find((x) => x.email === a.email)!;
      expect(u.role).toBe(a.role);
      expect(await verifyPassword(a.password, u.password_hash)).toBe(true);
      if (a.role === 'provider') expect(u.provider_id).not.toBeNull();
    }
    const profiles = rowsOf<{ n: number }>(await db.db.execute(sql`select count(*)::int as n from student_profiles`));
    expect(profiles[0].n).toBe(1);
  });
});
