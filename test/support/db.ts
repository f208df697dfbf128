import { inject } from 'vitest';
import { adminSql, urlFor } from './pg.ts';
import { connectPostgres, type Database } from '../../backend/src/db/client.ts';

export interface TestDatabase extends Database {
  url: string;
  name: string;
}

/**
 * A fresh, migrated database for one test file, cloned from the template the global setup built.
 * `close()` drops it. Use in `beforeAll`/`afterAll`.
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
  const database = connectPostgres(url, { max: 10 });
  return {
    ...database,
    url,
    name,
    async close() {
      await database.close();
      const admin = adminSql();
      try {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end({ timeout: 5 });
      }
    },
  };
}
