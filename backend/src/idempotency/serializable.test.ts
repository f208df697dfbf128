import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { rowsOf } from '../db/client.ts';
import { serializable } from './serializable.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const isolation = async (run: () => Promise<unknown>) =>
  rowsOf<{ level: string }>((await run()) as Awaited<ReturnType<TestDatabase['db']['execute']>>)[0].level;

describe('serializable()', () => {
  it('runs its function at SERIALIZABLE, the isolation level sent together with the first statement', async () => {
    const level = await serializable(database.db, (tx) =>
      isolation(() => tx.execute(sql`select current_setting('transaction_isolation') as level`)),
    );
    expect(level).toBe('serializable');
    // A plain transaction on the same pool is back at the server's default.
    const plain = await database.db.transaction((tx) =>
      isolation(() => tx.execute(sql`select current_setting('transaction_isolation') as level`)),
    );
    expect(plain).toBe('read committed');
  });

  it('refuses write skew: of two transactions that each insert after reading none, one is retried and sees the other', async () => {
    let gate!: () => void;
    const bothRead = new Promise<void>((r) => {
      gate = r;
    });
    let reads = 0;
    const claim = (who: string) =>
      serializable(database.db, async (tx) => {
        const seen = rowsOf<{ n: number }>(
          await tx.execute(sql`select count(*)::int as n from mailbox where to_address = 'skew@example.test'`),
        )[0].n;
        if (++reads === 2) gate();
        await Promise.race([bothRead, new Promise((r) => setTimeout(r, 2_000))]);
        if (seen === 0)
          await tx.execute(
            sql`insert into mailbox (to_address, subject, body) values ('skew@example.test', ${who}, '')`,
          );
        return seen;
      });
    const seen = await Promise.all([claim('a'), claim('b')]);
    expect(seen.sort()).toEqual([0, 1]);
    expect(
      rowsOf(await database.db.execute(sql`select 1 from mailbox where to_address = 'skew@example.test'`)),
    ).toHaveLength(1);
  });
});
