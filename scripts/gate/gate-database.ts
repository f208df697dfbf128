/**
 * The gate's database. On Postgres: a template seeded once with `count` scholarships (kept between
 * runs, rebuilt when a migration changes) and a throwaway clone per run, dropped at the end. Without
 * Postgres: embedded PGlite in a temporary folder, seeded per run.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { connectPglite, connectPostgres, type Db, MIGRATIONS_DIR, runMigrations } from '../../backend/src/db/client.ts';
import { seedDemo } from '../../backend/src/db/seed.ts';
import { tcpOpen } from '../lib/tcp-open.ts';

const ADMIN_URL =
  process.env.GATE_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface GateDatabase {
  kind: 'postgres' | 'pglite';
  /** Postgres URL of this run's database (absent on PGlite). */
  url?: string;
  /** PGlite's DATA_DIR (the backend opens it; the gate has no handle of its own). */
  dataDir?: string;
  /** The gate's own handle (Postgres only). */
  db?: Db;
  close(): Promise<void>;
  drop?(): Promise<void>;
}

function urlFor(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

function postgresUp(): Promise<boolean> {
  const u = new URL(ADMIN_URL);
  return tcpOpen(u.hostname, Number(u.port || 5432));
}

function migrationsHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    h.update(f).update(readFileSync(path.join(MIGRATIONS_DIR, f)));
  return h.digest('hex').slice(0, 10);
}

async function seed(db: Db, count: number, progress: (m: string) => void): Promise<void> {
  let last = 0;
  await seedDemo(db, {
    count,
    onProgress(done, total) {
      if (done === total || Date.now() - last > 2000) {
        last = Date.now();
        progress(`seeding the gate catalog: ${done}/${total}`);
      }
    },
  });
}

export async function openGateDatabase(count: number, progress: (m: string) => void): Promise<GateDatabase> {
  if (!(await postgresUp())) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-gate-pglite-'));
    const lite = await connectPglite(path.join(dataDir, 'pglite'));
    await runMigrations(lite);
    await seed(lite.db, count, progress);
    await lite.close();
    return { kind: 'pglite', dataDir, close: async () => {} };
  }
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  const template = `gatehouse_gate_tpl_${migrationsHash()}_${count}`;
  const name = `gatehouse_gate_${process.pid}_${Date.now().toString(36)}`;
  try {
    await admin`select pg_advisory_lock(727275)`;
    if ((await admin`select 1 from pg_database where datname = ${template}`).length === 0) {
      progress(`building the gate template (${count} scholarships, once per migration set)`);
      const building = `${template}_build`;
      await admin.unsafe(`drop database if exists "${building}"`);
      await admin.unsafe(`create database "${building}"`);
      const b = connectPostgres(urlFor(building), { max: 2 });
      await runMigrations(b);
      await seed(b.db, count, progress);
      await b.db.execute(sql`vacuum analyze`);
      await b.close();
      await admin.unsafe(`alter database "${building}" rename to "${template}"`);
    }
    await admin.unsafe(`create database "${name}" template "${template}"`);
  } finally {
    await admin`select pg_advisory_unlock(727275)`;
    await admin.end({ timeout: 5 });
  }
  const url = urlFor(name);
  const own = connectPostgres(url, { max: 3 });
  return {
    kind: 'postgres',
    url,
    db: own.db,
    close: () => own.close(),
    async drop() {
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end({ timeout: 5 });
    },
  };
}
