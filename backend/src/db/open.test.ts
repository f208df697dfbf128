import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { appLoginUrl, TEST_APP_LOGIN } from '../../../test/support/pg.ts';
import { rowsOf } from './client.ts';
import { openAppDatabase } from './open.ts';

/** Issue 14, finding 6: whatever login DATABASE_URL uses, the application cannot alter the ledger. */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe('openAppDatabase', () => {
  it.each([
    ['an owner/superuser login switches to gatehouse_app', () => db.url, 'gatehouse_app'],
    ['a dedicated member login is used as is (works behind PgBouncer)', () => appLoginUrl(db.url), TEST_APP_LOGIN],
  ])('%s, and neither may UPDATE the ledger', async (_name, url, expectedUser) => {
    const app = await openAppDatabase({ databaseUrl: url(), migrationDatabaseUrl: db.url, dataDir: os.tmpdir() });
    try {
      const [r] = rowsOf<{ who: string; may: boolean }>(
        await app.db.execute(sql`select current_user as who, has_table_privilege('ledger_entries', 'UPDATE') as may`),
      );
      expect(r).toEqual({ who: expectedUser, may: false });
      await expect(app.db.execute(sql`truncate ledger_entries`)).rejects.toThrow();
    } finally {
      await app.close();
    }
  });
});
