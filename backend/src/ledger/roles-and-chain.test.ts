import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { rowsOf } from '../db/client.ts';
import { pgCode, serializable } from '../idempotency/serializable.ts';
import { SYSTEM_ACCOUNTS, walletAccount } from './accounts.ts';
import { postTransaction } from './post-transaction.ts';
import { verifyChain } from './chain.ts';

/**
 * Issue 14, finding 6: the application's own role cannot get around the ledger's guards, and an
 * edit made by someone who can (a superuser) is detected by the hash chain.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const grant = (key: string, user: string, credits = 10) => ({
  kind: 'credit_grant' as const,
  businessKey: key,
  source: 'api' as const,
  postings: [
    { account: walletAccount(user), amount: credits },
    { account: SYSTEM_ACCOUNTS.creditIssuance, amount: -credits },
  ],
});
const user = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function failure(q: ReturnType<typeof sql>): Promise<string> {
  try {
    await db.db.execute(q);
  } catch (e) {
    return `${pgCode(e)} ${String((e as { cause?: Error }).cause?.message ?? (e as Error).message)}`;
  }
  return 'executed';
}

describe('the application role (gatehouse_app) on the ledger', () => {
  beforeAll(async () => {
    await serializable(db.db, (tx) => postTransaction(tx, grant('role-1', user(1))));
  });

  it('is who the application connects as', async () => {
    const [r] = rowsOf<{ current_user: string }>(await db.db.execute(sql`select current_user`));
    expect(r.current_user).toBe('gatehouse_app');
  });

  it.each([
    ['UPDATE', sql`update ledger_entries set amount = amount + 1`],
    ['DELETE', sql`delete from ledger_transactions`],
    ['TRUNCATE', sql`truncate ledger_entries`],
    ['DISABLE TRIGGER', sql`alter table ledger_entries disable trigger ledger_entries_no_update_delete`],
    ['DISABLE TRIGGER ALL', sql`alter table ledger_entries disable trigger all`],
    ['DROP TRIGGER', sql`drop trigger ledger_entries_no_update_delete on ledger_entries`],
    ['ALTER TABLE', sql`alter table ledger_entries add column note text`],
    ['DROP TABLE', sql`drop table ledger_chain`],
    ['UPDATE of the chain', sql`update ledger_chain set hash = 'x'`],
    ['session_replication_role = replica', sql`set session_replication_role = replica`],
  ])('is refused %s by a privilege check, before any trigger', async (_name, q) => {
    const why = await failure(q);
    expect(why).toMatch(/^42501 (permission denied|must be owner)/);
    expect(why).not.toMatch(/append-only/);
  });

  it('can still read and append', async () => {
    expect(await serializable(db.db, (tx) => postTransaction(tx, grant('role-2', user(2))))).toBe(true);
  });
});

describe('the ledger hash chain', () => {
  it('links concurrent writers into one unforked chain (seq 1..n, each prev = previous hash)', async () => {
    // Six writers at once with no in-process lane, as several backend processes would be: the
    // losers of each race fail serialization on the head and are retried whole by serializable().
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        serializable(db.db, (tx) => postTransaction(tx, grant(`race-${i}`, user(i)))),
      ),
    );
    const report = await verifyChain(db.db);
    expect(report.breaks).toEqual([]);
    const [n] = rowsOf<{ links: number; txns: number }>(
      await db.db.execute(
        sql`select (select count(*)::int from ledger_chain) as links, (select count(*)::int from ledger_transactions) as txns`,
      ),
    );
    expect(report.links).toBe(n.txns);
    expect(n.links).toBe(n.txns);
  });

  it('a superuser edit of one entry breaks the chain at that transaction; ledger:verify exits 1 naming it', async () => {
    expect((await verifyChain(db.db)).ok).toBe(true);
    const before = await runVerify();
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/ledger chain: OK/);

    // The owner (a superuser here) goes around the guards: triggers off, edit, triggers on.
    const [victim] = rowsOf<{ seq: string; transaction_id: string }>(
      await db.owner.execute(sql`select seq, transaction_id from ledger_chain order by seq limit 1 offset 3`),
    );
    await db.owner.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(
        sql`update ledger_entries set amount = amount * 100 where transaction_id = ${victim.transaction_id}`,
      );
    });

    const report = await verifyChain(db.db);
    expect(report.ok).toBe(false);
    expect(report.breaks[0]).toEqual({
      seq: Number(victim.seq),
      transactionId: victim.transaction_id,
      reason: 'content_changed',
    });
    const after = await runVerify();
    expect(after.code).toBe(1);
    expect(after.stdout).toContain(`link #${victim.seq}, transaction ${victim.transaction_id}`);
  });

  it('a transaction slipped in outside the chain is reported', async () => {
    const [t] = rowsOf<{ id: string }>(
      await db.owner.execute(
        sql`insert into ledger_transactions (kind, business_key, source) values ('credit_grant', 'slipped-in', 'api') returning id`,
      ),
    );
    const report = await verifyChain(db.db);
    expect(report.breaks).toContainEqual({ seq: 0, transactionId: t.id, reason: 'unchained_transaction' });
  });
});

async function runVerify(): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/ledger-verify.ts'], {
      env: { ...process.env, DATABASE_URL: db.url },
    });
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, stdout: err.stdout };
  }
}
