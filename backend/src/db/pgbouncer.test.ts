import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_PGBOUNCER, PGBOUNCER_BIN, type PgBouncer, startPgBouncer } from '../../../test/support/pgbouncer.ts';
import { TEST_DATABASE_URL } from '../../../test/support/pg.ts';
import { parseEnv } from '../env.ts';
import { connect, type Database, rowsOf } from './client.ts';

// CI installs Debian's pgbouncer (.ci/run); a developer machine without it skips with this reason.
describe.skipIf(!HAS_PGBOUNCER)(`the pool behind PgBouncer in transaction mode (needs ${PGBOUNCER_BIN})`, () => {
  let bouncer: PgBouncer;
  let database: Database;
  beforeAll(async () => {
    bouncer = await startPgBouncer({ poolSize: 2 });
    // The settings docs/deploy.md gives for a transaction-mode pooler, read as the backend reads them.
    const env = parseEnv({ REQUIRE_GATEWAY_SIGNATURE: 'false', DATABASE_PREPARE: 'false', DATABASE_PIPELINE: 'false' });
    database = await connect({
      databaseUrl: bouncer.urlFor(TEST_DATABASE_URL),
      dataDir: '.data',
      poolMax: 2,
      prepare: env.DATABASE_PREPARE,
      pipeline: env.DATABASE_PIPELINE,
    });
  });
  afterAll(async () => {
    await database?.close();
    await bouncer?.stop();
  });

  it('answers every one of 3,000 concurrent statements (pipelined ones lost their answers: queries that never returned)', async () => {
    // More statements than connections, with and without parameters: with pipelining on, PgBouncer
    // 1.18 gave the server away after one statement's end while the next was already sent on it, and
    // within a few dozen statements one waited forever for its answer.
    const answers = await Promise.all(
      Array.from({ length: 3000 }, (_, i) =>
        database.db.execute(i % 3 === 0 ? sql`select ${i}::int as n` : sql.raw('select 1 as n')),
      ),
    );
    expect(answers.map((a) => rowsOf<{ n: number }>(a)[0].n)).toEqual(
      Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? i : 1)),
    );
    // Rows as arrays (Drizzle's `.values()`), without parameters and with, and a transaction.
    const plain = await database.db.select({ n: sql<number>`1` }).from(sql`(select 1) as t`);
    expect(plain).toEqual([{ n: 1 }]);
    const inTx = await database.db.transaction(async (tx) =>
      rowsOf<{ n: number }>(await tx.execute(sql`select 2 as n`)),
    );
    expect(inTx).toEqual([{ n: 2 }]);
  }, 20_000);
});
