import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { APP_ROLE, connectPostgres, type Database } from '../db/client.ts';
import { readCommitted, serializable } from '../idempotency/serializable.ts';
import { SYSTEM_ACCOUNTS, walletAccount } from './accounts.ts';
import { deferChain, verifyChain } from './chain.ts';
import { postTransaction } from './post-transaction.ts';

/**
 * Issue 16: settlement transactions (READ COMMITTED) in different backend processes chain their
 * ledger writes at their end (`deferChain`): the chain's lock is held from the append to the
 * commit only, and the one that waited on it reads the head the other committed, so it commits
 * first time. "Another process" is a second connection pool writing the ledger in a transaction
 * the test lets commit when it says so.
 */
/** A settlement-style writer in this process: ledger rows, then the chain at the end. */
const settle = (key: string) =>
  readCommitted(db.db, async (tx) => {
    const chain = deferChain(tx);
    const applied = await postTransaction(tx, grant(key));
    await chain.append();
    return applied;
  });

let db: TestDatabase;
let other: Database;
beforeAll(async () => {
  db = await createTestDatabase();
  other = connectPostgres(db.url, { max: 2, role: APP_ROLE });
  // The accounts exist before the races, as they do in production: a writer creating one makes a
  // concurrent writer of the same account wait on its insert, not on the chain.
  await settle('accounts-created');
});
afterAll(async () => {
  await other?.close();
  await db?.close();
});

const grant = (key: string) => ({
  kind: 'credit_grant' as const,
  businessKey: key,
  source: 'webhook' as const,
  postings: [
    { account: walletAccount('00000000-0000-4000-8000-000000000016'), amount: 5 },
    { account: SYSTEM_ACCOUNTS.creditIssuance, amount: -5 },
  ],
});

/**
 * The other process writes a ledger transaction, appends it to the chain now (`appendNow`) or
 * not yet, and holds its transaction open until `commit()` (then appends, if it had not).
 */
async function otherProcessWriting(key: string, appendNow: boolean) {
  let commit!: () => void;
  const gate = new Promise<void>((r) => {
    commit = r;
  });
  let written!: () => void;
  const holding = new Promise<void>((r) => {
    written = r;
  });
  const done = other.db.transaction(async (tx) => {
    const chain = deferChain(tx);
    await postTransaction(tx, grant(key));
    if (appendNow) await chain.append();
    written();
    await gate;
    if (!appendNow) await chain.append();
  });
  await holding;
  return { commit, done };
}

describe('ledger writers in two processes', () => {
  it('a settlement writer that waited on the chain lock commits on its first attempt, after the holder', async () => {
    const holder = await otherProcessWriting('lock-holder', true);
    const attempts = vi.spyOn(db.db, 'transaction');
    const waiter = settle('lock-waiter');
    // Still queued on the lock: it has not failed.
    await new Promise((r) => setTimeout(r, 300));
    holder.commit();
    await holder.done;
    expect(await waiter).toBe(true);
    expect(attempts).toHaveBeenCalledTimes(1);
    attempts.mockRestore();
    expect(await verifyChain(db.db)).toMatchObject({ ok: true, links: 3 });
  });

  it('the lock is not held before the append: a writer whose ledger rows are written but not chained does not stop another', async () => {
    const holder = await otherProcessWriting('written-not-chained', false);
    // Commits while the other transaction is still open (a queue on the whole transaction would hang here).
    expect(await settle('goes-first')).toBe(true);
    holder.commit();
    await holder.done;
    const report = await verifyChain(db.db);
    expect(report).toMatchObject({ ok: true, links: 5 });
  });

  it('a SERIALIZABLE writer that overlapped the holder is aborted and runs again (why settlement chains at its end)', async () => {
    const holder = await otherProcessWriting('lock-holder-2', true);
    const attempts = vi.spyOn(db.db, 'transaction');
    const overlapping = serializable(db.db, (tx) => postTransaction(tx, grant('serializable-writer')));
    await new Promise((r) => setTimeout(r, 300));
    holder.commit();
    await holder.done;
    expect(await overlapping).toBe(true);
    expect(attempts.mock.calls.length).toBeGreaterThan(1);
    attempts.mockRestore();
    expect(await verifyChain(db.db)).toMatchObject({ ok: true, links: 7 });
  });
});
