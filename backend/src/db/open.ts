import path from 'node:path';
import { sql } from 'drizzle-orm';
import { APP_ROLE, connectPglite, connectPostgres, rowsOf, runMigrations, type Database, type Db } from './client.ts';
import { chainExistingTransactions } from '../ledger/chain.ts';

export interface OpenOptions {
  /** The application's connection (`DATABASE_URL`); unset → embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  /** The owner's connection for migrations and demo data (`MIGRATION_DATABASE_URL`); unset → `databaseUrl`. */
  migrationDatabaseUrl?: string;
  dataDir: string;
  /** The app's pool size, prepared statements and pipelining (DATABASE_POOL_MAX, _PREPARE, _PIPELINE). */
  poolMax?: number;
  prepare?: boolean;
  pipeline?: boolean;
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
 *   closed once done. In production `DATABASE_URL` is a login that is a member of gatehouse_app and
 *   owns nothing (docs/deploy-trust.md): used as is, also behind a transaction pooler. A login that
 *   could alter the ledger (the owner, a superuser) gets the `role=gatehouse_app` startup parameter
 *   instead, and the start fails if the connection does not end up as gatehouse_app.
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
  const owner = connectPostgres(opts.migrationDatabaseUrl ?? opts.databaseUrl, {
    max: 2,
    prepare: opts.prepare,
    pipeline: opts.pipeline,
  });
  try {
    await ownerWork(owner, opts);
  } finally {
    await owner.close();
  }
  const pool = { max: opts.poolMax, prepare: opts.prepare, pipeline: opts.pipeline };
  const app = connectPostgres(opts.databaseUrl, pool);
  if (!(await mayAlterLedger(app.db))) return app; // a dedicated login (member of gatehouse_app): as is
  // The login could alter the ledger (the owner, or a superuser): run as gatehouse_app instead.
  await app.close();
  const restricted = connectPostgres(opts.databaseUrl, { ...pool, role: APP_ROLE });
  let who: string | undefined;
  try {
    who = rowsOf<{ who: string }>(await restricted.db.execute(sql`select current_user as who`))[0]?.who;
  } catch (e) {
    await restricted.close();
    throw new Error(`${ROLE_ADVICE} (${(e as Error).message})`);
  }
  // A pooler that drops the startup parameter (PgBouncer's ignore_startup_parameters) must not leave
  // the application running as the owner.
  if (who !== APP_ROLE) {
    await restricted.close();
    throw new Error(`${ROLE_ADVICE} (the connection runs as ${who})`);
  }
  return restricted;
}

const ROLE_ADVICE =
  'DATABASE_URL logs in as a role that may alter the ledger and the connection could not switch to ' +
  `${APP_ROLE}; behind a pooler, use a login that is a member of ${APP_ROLE} (docs/deploy-trust.md)`;

/** Whether this login could change ledger rows: it owns the tables or is a superuser. */
async function mayAlterLedger(db: Db): Promise<boolean> {
  const [r] = rowsOf<{ may: boolean }>(
    await db.execute(
      sql`select has_table_privilege('ledger_entries', 'UPDATE') or has_table_privilege('ledger_entries', 'TRUNCATE') as may`,
    ),
  );
  return r?.may === true;
}

async function ownerWork(owner: Database, opts: OpenOptions): Promise<void> {
  // Without migrations at start, `npm run db:migrate` (the release step) chains old rows instead.
  if (opts.migrate ?? true) {
    await runMigrations(owner);
    await chainExistingTransactions(owner.db);
  }
  await opts.ownerWork?.(owner.db);
}
