import { sql, eq } from 'drizzle-orm';
import { rowsOf, type Db } from './client.ts';
import { users, studentProfiles, providers } from './schema/index.ts';
import { hashPassword } from '../auth/password.ts';
import { DEMO_PROVIDERS, demoScholarship, utcDay } from '../catalog/demo/generate.ts';

/**
 * Demo accounts printed at start and listed in the README. Demo-only credentials for local and
 * test databases; never seed a production database.
 */
export const DEMO_ACCOUNTS: { email: string; password: string; role: 'student' | 'provider' | 'admin' }[] = [
  { email: 'student@demo.gatehouse.test', password: 'demo-student-pass', role: 'student' },
  { email: 'provider@demo.gatehouse.test', password: 'demo-provider-pass', role: 'provider' },
  // Opens the ops dashboard (/ops) and the internal status page (/status).
  { email: 'admin@demo.gatehouse.test', password: 'demo-admin-pass', role: 'admin' },
];

/** Rows per INSERT: ~2k rows of ~1 KB keeps one statement's JSON parameter around 2 MB. */
const SEED_BATCH_SIZE = 2000;
/**
 * Loading at least this many rows into an empty catalog drops the GIN (full-text and trigram)
 * indexes and rebuilds them at the end: one sorted build is several times cheaper than 100k
 * incremental GIN inserts. All in one transaction, so a failed load leaves the indexes in place.
 */
const BULK_LOAD_MIN = 10_000;

/** True when the database holds no scholarships yet (first start). */
export async function isEmpty(db: Db): Promise<boolean> {
  const rows = await db.execute<{ one: number }>(sql`select 1 as one from scholarships limit 1`);
  return rowsOf(rows).length === 0;
}

export interface SeedOptions {
  count: number;
  /** Day deadlines count from (default: today, UTC). Same count + same anchor → identical rows. */
  anchor?: Date;
  /** Delete every scholarship (and the search vocabulary) first. */
  reset?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Loads demo providers, accounts and `count` scholarships; deterministic for a given count and
 * anchor. Re-running is safe: rows are keyed by slug/email and existing ones are left alone.
 */
export async function seedDemo(db: Db, opts: SeedOptions): Promise<void> {
  const anchor = utcDay(opts.anchor ?? new Date());
  if (opts.reset) await db.execute(sql`truncate scholarships, search_words, saved_scholarships`);
  const providerIds = await seedProviders(db);
  await seedAccounts(db, providerIds[0]);
  const bulk = opts.count >= BULK_LOAD_MIN && (await isEmpty(db));
  if (!bulk) return insertScholarships(db, providerIds, anchor, opts);
  await db.transaction(async (tx) => {
    const gin = rowsOf<{ indexname: string; indexdef: string }>(
      await tx.execute(
        sql`select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = 'scholarships' and indexdef ilike '%using gin%'`,
      ),
    );
    for (const ix of gin) await tx.execute(sql.raw(`drop index "${ix.indexname}"`));
    await insertScholarships(tx as unknown as Db, providerIds, anchor, opts);
    for (const ix of gin) await tx.execute(sql.raw(ix.indexdef));
  });
}

async function insertScholarships(db: Db, providerIds: string[], anchor: Date, opts: SeedOptions): Promise<void> {
  for (let start = 0; start < opts.count; start += SEED_BATCH_SIZE) {
    const end = Math.min(opts.count, start + SEED_BATCH_SIZE);
    const batch = [];
    for (let i = start; i < end; i++) {
      const { provider_index, ...row } = demoScholarship(i, anchor);
      batch.push({ ...row, provider_id: providerIds[provider_index], updated_at: row.created_at });
    }
    // One JSON parameter per batch: a single round trip, and identical on Postgres and PGlite.
    await db.execute(sql`
      insert into scholarships (id, slug, provider_id, title, description, amount, deadline, levels, fields, min_gpa,
        states, citizenship, essay_required, published, created_at, updated_at)
      select id, slug, provider_id, title, description, amount, deadline, levels, fields, min_gpa,
        states, citizenship, essay_required, published, created_at, updated_at
      from json_populate_recordset(null::scholarships, ${JSON.stringify(batch)}::json)
      on conflict (slug) do nothing`);
    opts.onProgress?.(end, opts.count);
  }
}

/** Upserts the demo providers by slug; returns their ids in DEMO_PROVIDERS order. */
async function seedProviders(db: Db): Promise<string[]> {
  await db
    .insert(providers)
    .values(DEMO_PROVIDERS.map((p) => ({ id: p.id, slug: p.slug, name: p.name, website: p.website })))
    .onConflictDoNothing();
  const rows = await db.select({ id: providers.id, slug: providers.slug }).from(providers);
  const bySlug = new Map(rows.map((r) => [r.slug, r.id]));
  return DEMO_PROVIDERS.map((p) => bySlug.get(p.slug)!);
}

async function seedAccounts(db: Db, providerId: string): Promise<void> {
  for (const a of DEMO_ACCOUNTS) {
    const existing = await db.select({ id: users.id }).from(users).where(eq(users.email, a.email));
    if (existing.length) continue;
    const [u] = await db
      .insert(users)
      .values({
        email: a.email,
        passwordHash: await hashPassword(a.password),
        name: a.role === 'student' ? 'Demo Student' : a.role === 'admin' ? 'Demo Admin' : 'Demo Provider',
        role: a.role,
        providerId: a.role === 'provider' ? providerId : null,
      })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (u && a.role === 'student') {
      await db
        .insert(studentProfiles)
        .values({
          userId: u.id,
          level: 'undergraduate',
          fieldOfStudy: 'Nursing',
          gpa: '3.40',
          state: 'CA',
          citizenship: 'us_citizen',
          interests: ['community service', 'public health'],
        })
        .onConflictDoNothing();
    }
  }
}
