import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import postgres from 'postgres';
import { drizzle as drizzlePg } from 'drizzle-orm/postgres-js';
import { migrate as migratePg } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.ts';
import { withoutPipelining } from './no-pipelining.ts';

/** The Drizzle handle every service takes; the same type for Postgres and embedded PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Rows of `db.execute()`: postgres.js returns an array, PGlite a `{ rows }` object. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Where the data lives, without credentials, for start-up messages. */
  describe: string;
  close(): Promise<void>;
}

/**
 * The `drizzle/` folder, found by walking up from this module: the source (`backend/src/db/`) and
 * the build (`dist/`) sit at different depths below the package root.
 */
export const MIGRATIONS_DIR = findUp(path.dirname(fileURLToPath(import.meta.url)), 'drizzle/meta/_journal.json');

function findUp(from: string, relative: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, relative))) return path.join(dir, path.dirname(path.dirname(relative)));
    if (path.dirname(dir) === dir) throw new Error(`cannot find ${relative} above ${from}`);
  }
}

/**
 * The role the application's queries run as (drizzle/0009): every table, but the ledger only
 * SELECT and INSERT. Migrations and demo data run as the owner (db/open.ts).
 */
export const APP_ROLE = 'gatehouse_app';

/**
 * Postgres via postgres.js. `max` stays small: the backend is one process on a 2-core box. `role`
 * is sent as a startup parameter, so every pooled connection runs as that role from its first query.
 */
export function connectPostgres(
  url: string,
  opts: { max?: number; prepare?: boolean; pipeline?: boolean; role?: string } = {},
): Database {
  const client = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    prepare: opts.prepare ?? true,
    connection: opts.role ? { role: opts.role } : {},
  });
  const db = drizzlePg(opts.pipeline === false ? withoutPipelining(client) : client, { schema }) as unknown as Db;
  const u = new URL(url);
  return {
    db,
    kind: 'postgres',
    describe: `postgres://${u.host}${u.pathname}${opts.role ? ` as ${opts.role}` : ''}`,
    close: () => client.end({ timeout: 5 }),
  };
}

/** Embedded PGlite persisted under `dir` (the default when DATABASE_URL is unset). */
export async function connectPglite(dir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { drizzle } = await import('drizzle-orm/pglite');
  mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir, { extensions: { pg_trgm } });
  await client.waitReady;
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, kind: 'pglite', describe: `PGlite at ${dir}`, close: () => client.close() };
}

export async function connect(opts: {
  databaseUrl?: string;
  dataDir: string;
  poolMax?: number;
  prepare?: boolean;
  pipeline?: boolean;
}): Promise<Database> {
  return opts.databaseUrl
    ? connectPostgres(opts.databaseUrl, { max: opts.poolMax, prepare: opts.prepare, pipeline: opts.pipeline })
    : connectPglite(path.join(opts.dataDir, 'pglite'));
}

/** Applies the drizzle-kit migrations in `drizzle/`; safe to run on every start. */
export async function runMigrations(database: Database): Promise<void> {
  if (database.kind === 'postgres') {
    await migratePg(database.db as never, { migrationsFolder: MIGRATIONS_DIR });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(database.db as never, { migrationsFolder: MIGRATIONS_DIR });
  }
}
