import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { adminSql, urlFor, START_POSTGRES_HINT, TEST_APP_LOGIN, TEST_DATABASE_URL } from './pg.ts';
import { connectPostgres, runMigrations, MIGRATIONS_DIR } from '../../backend/src/db/client.ts';

/** Name of the migrated template database; changes whenever a migration changes. */
export function templateName(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    h.update(f).update(readFileSync(path.join(MIGRATIONS_DIR, f)));
  return `gatehouse_tpl_${h.digest('hex').slice(0, 12)}`;
}

/**
 * Runs once per `npm test`: checks Postgres is reachable (one clear line if not) and builds the
 * migrated template database that every test file clones into its own database.
 */
export default async function setup({ provide }: { provide: (key: string, value: unknown) => void }) {
  const sql = adminSql();
  try {
    await sql`select 1`;
  } catch (e) {
    await sql.end({ timeout: 1 }).catch(() => {});
    const where = new URL(TEST_DATABASE_URL).host;
    console.error(`\nPostgres is not reachable at ${where} (${(e as Error).message}); ${START_POSTGRES_HINT}\n`);
    process.exit(1);
  }
  const name = templateName();
  // Serialize template creation across concurrent runs (two developers' terminals, vitest projects).
  await sql`select pg_advisory_lock(727274)`;
  try {
    const exists = await sql`select 1 from pg_database where datname = ${name}`;
    if (exists.length === 0) {
      const building = `${name}_build_${process.pid}`;
      await sql.unsafe(`drop database if exists "${building}"`);
      await sql.unsafe(`create database "${building}"`);
      const db = connectPostgres(urlFor(building), { max: 1 });
      await runMigrations(db);
      await db.close();
      await sql.unsafe(`alter database "${building}" rename to "${name}"`);
      await sql.unsafe(`alter database "${name}" with is_template true`);
    }
    // A login that is only a member of the application role, as in production (docs/deploy-trust.md):
    // for tests that must not rely on the role startup parameter (PgBouncer does not forward it).
    await sql.unsafe(`do $$ begin
      if not exists (select 1 from pg_roles where rolname = '${TEST_APP_LOGIN}') then
        create role ${TEST_APP_LOGIN} login in role gatehouse_app;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`);
  } finally {
    await sql`select pg_advisory_unlock(727274)`;
    await sql.end({ timeout: 5 });
  }
  provide('templateDb', name);
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}
