import path from 'node:path';
import { sql } from 'drizzle-orm';
import { APP_ROLE, connectPglite, connectPostgres, runMigrations, type Database, type Db } from './client.ts';
import { chainExistingTransactions } from '../ledger/chain.ts';

export interface OpenOptions {
  /** The application's connection (`DATABASE_URL`); unset → embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  /** The owner's connection for migrations and demo data (`MIGRATION_DATABASE_URL`); unset → `databaseUrl`. */
  migrationDatabaseUrl?: string;
  dataDir: string;
  /** The app's pool size and prepared statements (DATABASE_POOL_MAX, DATABASE_PREPARE). */
  poolMax?: number;
  prepare?: boolean;
  /** Apply migrations (MIGRATE_ON_START); off when `npm run db:migrate` is a release step. Default on. */
  migrate?: boolean;
  /** Owner-only work after migrating (demo data: bulk loads drop and rebuild indexes). */
  ownerWork?: (owner: Db) => Promise<void>;
}

/**
 * Opens the database as the service runs (issue 14, finding 6): migrations, the one-time chaining
 * of pre-chain ledger rows and `ownerWork` run as the owner; the returned connection runs as
 * `gatehouse_app`, which cannot ALTER, TRUNCATE, UPDATE or DELETE the ledger or touch its triggers.
 * - Postgres: the owner connection is `MIGRATION_DATABASE_URL` (falling back to `DATABASE_URL`),
 *   closed once done; the app connects with `DATABASE_URL` and the `role` startup parameter. In
 *   production `DATABASE_URL` is a login role that is a member of gatehouse_app and owns nothing
 *   (docs/deploy-trust.md), so the app cannot get back to the owner at all.
 * - PGlite (one session): migrate as the bootstrap superuser, then `SET ROLE gatehouse_app`. A
 *   `RESET ROLE` would undo it, so on PGlite this guards against mistakes, not an attacker running SQL.
 */
export async function openAppDatabase(opts: OpenOptions): Promise<Database> {
  if (!opts.databaseUrl) {
    const database = await connectPglite(path.join(opts.dataDir, 'pglite'));
    await ownerWork(database, opts);
    await database.db.execute(sql.raw(`set role ${APP_ROLE}`));
    return { ...database, describe: `${database.describe} as ${APP_ROLE}` };
  }
  const owner = connectPostgres(opts.migrationDatabaseUrl ?? opts.databaseUrl, { max: 2, prepare: opts.prepare });
  try {
    await ownerWork(owner, opts);
  } finally {
    await owner.close();
  }
  const app = connectPostgres(opts.databaseUrl, { role: APP_ROLE, max: opts.poolMax, prepare: opts.prepare });
  await app.db.execute(sql`select 1`); // fail at start, naming the problem, if the role cannot be used
  return app;
}

async function ownerWork(owner: Database, opts: OpenOptions): Promise<void> {
  // Without migrations at start, `npm run db:migrate` (the release step) chains old rows instead.
  if (opts.migrate ?? true) {
    await runMigrations(owner);
    await chainExistingTransactions(owner.db);
  }
  await opts.ownerWork?.(owner.db);
}
