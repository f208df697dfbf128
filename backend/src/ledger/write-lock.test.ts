import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { APP_ROLE, connectPostgres, type Database } from '../db/client.ts';
import { serializable } from '../idempotency/serializable.ts';
import { SYSTEM_ACCOUNTS, walletAccount } from './accounts.ts';
import { LEDGER_WRITE_LOCK, verifyChain } from './chain.ts';
import { postTransaction } from './post-transaction.ts';

/**
 * Issue 16: ledger writers in different backend processes queue on LEDGER_WRITE_LOCK before their
 * snapshot, so the one that waited commits first time instead of aborting on the chain head the
 * other just committed. "Another process" is a second connection pool writing the ledger in a
 * transaction that holds the lock until the test lets it commit.
 */
let db: TestDatabase;
let other: Database;
beforeAll(async () => {
  db = await createTestDatabase();
  other = connectPostgres(db.url, { max: 2, role: APP_ROLE });
});
afterAll(async () => {
  await other?.close();
  await db?.close();
});

const grant = (key: string) => ({
  kind: 'credit_grant' as const,
  businessKey: key,
  source: 'api' as const,
  postings: [
    { account: walletAccount('00000000-0000-4000-8000-000000000016'), amount: 5 },
    { account: SYSTEM_ACCOUNTS.creditIssuance, amount: -5 },
  ],
});

/** The other process appends to the chain under the lock and holds it until `commit()`. */
async function otherProcessWriting(key: string) {
  let commit!: () => void;
  const gate = new Promise<void>((r) => {
    commit = r;
  });
  let written!: () => void;
  const holding = new Promise<void>((r) => {
    written = r;
  });
  const done = other.db.transaction(
    async (tx) => {
      await tx.execute(LEDGER_WRITE_LOCK);
      await postTransaction(tx, grant(key));
      written();
      await gate;
    },
    { isolationLevel: 'serializable' },
  );
  await holding;
  return { commit, done };
}

describe('ledger writers in two processes', () => {
  it('the one that waited on the write lock commits on its first attempt, after the holder', async () => {
    const holder = await otherProcessWriting('lock-holder');
    const attempts = vi.spyOn(db.db, 'transaction');
    const waiter = serializable(db.db, (tx) => postTransaction(tx, grant('lock-waiter')), { lane: 'ledger' });
    // Still queued on the lock: nothing of it is visible, and it has not failed.
    await new Promise((r) => setTimeout(r, 300));
    holder.commit();
    await holder.done;
    expect(await waiter).toBe(true);
    expect(attempts).toHaveBeenCalledTimes(1);
    attempts.mockRestore();
    const report = await verifyChain(db.db);
    expect(report).toMatchObject({ ok: true, links: 2 });
  });

  it('without the lock, a writer that overlapped the holder is aborted and runs again (the work the lock saves)', async () => {
    const holder = await otherProcessWriting('lock-holder-2');
    const attempts = vi.spyOn(db.db, 'transaction');
    const overlapping = serializable(db.db, (tx) => postTransaction(tx, grant('no-lock-writer')));
    await new Promise((r) => setTimeout(r, 300));
    holder.commit();
    await holder.done;
    expect(await overlapping).toBe(true);
    expect(attempts.mock.calls.length).toBeGreaterThan(1);
    attempts.mockRestore();
    expect(await verifyChain(db.db)).toMatchObject({ ok: true, links: 4 });
  });
});
