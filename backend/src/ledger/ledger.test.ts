import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { postTransaction, assertBalanced, UnbalancedTransactionError } from './post-transaction.ts';
import { SYSTEM_ACCOUNTS, walletAccount } from './accounts.ts';
import { accountBalance, unbalancedTransactions } from './balance.ts';
import { serializable, pgCode } from '../idempotency/serializable.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const user = '00000000-0000-4000-8000-000000000001';
const grant = (key: string, credits = 10) => ({
  kind: 'credit_grant' as const,
  businessKey: key,
  source: 'api' as const,
  postings: [
    { account: walletAccount(user), amount: credits },
    { account: SYSTEM_ACCOUNTS.creditIssuance, amount: -credits },
  ],
});

/** Runs `q` as the owner (who may bypass grants but not the triggers) and returns why it failed. */
async function refused(q: ReturnType<typeof sql>): Promise<string> {
  try {
    await db.owner.execute(q);
  } catch (e) {
    return `${pgCode(e)} ${String((e as { cause?: Error }).cause?.message ?? (e as Error).message)}`;
  }
  throw new Error('statement was not refused');
}

describe('ledger', () => {
  it('posts a balanced transaction once per business key', async () => {
    expect(await serializable(db.db, (tx) => postTransaction(tx, grant('k1')))).toBe(true);
    expect(await serializable(db.db, (tx) => postTransaction(tx, grant('k1')))).toBe(false);
    expect(await accountBalance(db.db, walletAccount(user).id)).toBe(10);
    expect(await accountBalance(db.db, 'credit_issuance')).toBe(-10);
  });

  it.each([
    ['UPDATE of an entry', sql`update ledger_entries set amount = amount + 1`],
    ['DELETE of an entry', sql`delete from ledger_entries`],
    ['UPDATE of a transaction', sql`update ledger_transactions set kind = 'refund'`],
    ['DELETE of a transaction', sql`delete from ledger_transactions`],
    ['DELETE of an account', sql`delete from ledger_accounts`],
    ['TRUNCATE of entries', sql`truncate ledger_entries`],
    ['TRUNCATE of transactions', sql`truncate ledger_transactions cascade`],
  ])('the database refuses %s, even to the owner (triggers)', async (_name, q) => {
    expect(await refused(q)).toMatch(/append-only/);
    expect(await accountBalance(db.db, walletAccount(user).id)).toBe(10);
  });

  it('the database refuses an unbalanced transaction at commit (deferred check)', async () => {
    const msg = await (async () => {
      try {
        await db.db.transaction(async (tx) => {
          const [t] = (await tx.execute(
            sql`insert into ledger_transactions (kind, business_key, source) values ('credit_grant', 'unbalanced-1', 'api') returning id`,
          )) as unknown as { id: string }[];
          await tx.execute(
            sql`insert into ledger_entries (transaction_id, account_id, currency, amount) values (${t.id}, ${walletAccount(user).id}, 'CREDITS', 5)`,
          );
        });
      } catch (e) {
        return String((e as { cause?: Error }).cause?.message ?? (e as Error).message);
      }
      return 'committed';
    })();
    expect(msg).toMatch(/does not balance/);
    expect(await unbalancedTransactions(db.db)).toEqual([]);
  });

  it('the application role may only read and append', async () => {
    const r = await db.db.execute(
      sql`select privilege_type from information_schema.role_table_grants where grantee = 'gatehouse_app' and table_name = 'ledger_entries' order by 1`,
    );
    const privileges = (r as unknown as { privilege_type: string }[]).map((x) => x.privilege_type);
    expect(privileges).toEqual(['INSERT', 'SELECT']);
  });

  it('code refuses unbalanced or empty postings before touching the database', () => {
    expect(() =>
      assertBalanced([
        { account: SYSTEM_ACCOUNTS.revenue, amount: 5 },
        { account: SYSTEM_ACCOUNTS.pspClearing, amount: -4 },
      ]),
    ).toThrow(UnbalancedTransactionError);
    expect(() =>
      assertBalanced([
        { account: SYSTEM_ACCOUNTS.revenue, amount: 5 },
        { account: walletAccount(user), amount: -5 },
      ]),
    ).toThrow(/USD|CREDITS/);
    expect(() =>
      assertBalanced([
        { account: SYSTEM_ACCOUNTS.revenue, amount: 0 },
        { account: SYSTEM_ACCOUNTS.pspClearing, amount: 0 },
      ]),
    ).toThrow();
    expect(() =>
      assertBalanced([
        { account: SYSTEM_ACCOUNTS.revenue, amount: 1.5 },
        { account: SYSTEM_ACCOUNTS.pspClearing, amount: -1.5 },
      ]),
    ).toThrow();
    expect(() =>
      assertBalanced([
        { account: SYSTEM_ACCOUNTS.revenue, amount: -7 },
        { account: SYSTEM_ACCOUNTS.pspClearing, amount: 7 },
      ]),
    ).not.toThrow();
  });
});
