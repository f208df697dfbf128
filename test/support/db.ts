import { inject } from 'vitest';
import { adminSql, urlFor } from './pg.ts';
import { APP_ROLE, connectPostgres, type Database, type Db } from '../../backend/src/db/client.ts';
import { users } from '../../backend/src/db/schema/users.ts';

export interface TestDatabase extends Database {
  /** Connects as the login (the superuser postgres); the backend adds `role=gatehouse_app` itself. */
  url: string;
  name: string;
  /**
   * The owner's connection, for what the application role may not do (bulk reseeding, tampering
   * with the ledger to test detection). `db` runs as gatehouse_app, exactly like the backend.
   */
  owner: Db;
}

/**
 * A fresh, migrated database for one test file, cloned from the template the global setup built.
 * `db` runs as the application role (as in production, db/open.ts), `owner` as the migrations'
 * owner. `close()` drops it. Use in `beforeAll`/`afterAll`.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('templateDb');
  const name = `gh_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const sql = adminSql();
  try {
    // CREATE DATABASE … TEMPLATE fails while another session is connected to the template; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await sql.unsafe(`create database "${name}" template "${template}"`);
        break;
      } catch (e) {
        if (attempt > 20) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  const url = urlFor(name);
  const database = connectPostgres(url, { max: 10, role: APP_ROLE });
  const owner = connectPostgres(url, { max: 2 });
  return {
    ...database,
    url,
    name,
    owner: owner.db,
    async close() {
      await database.close();
      await owner.close();
      const admin = adminSql();
      try {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end({ timeout: 5 });
      }
    },
  };
}

/** A student row with an unusable password hash, for tests that need a user id and nothing else. */
export async function insertStudent(db: Db, label: string): Promise<string> {
  const [{ id }] = await db
    .insert(users)
    .values({ email: `${label}@example.test`, passwordHash: 'x', name: label })
    .returning({ id: users.id });
  return id;
}
