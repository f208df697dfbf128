import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.ts';
import type { Tx } from '../idempotency/serializable.ts';
import { walletAccount } from './accounts.ts';

type Reader = Db | Tx;

/**
 * An account's balance: the sum of its entries (there is no stored balance to drift).
 * @internal exported for its tests
 */
export async function accountBalance(db: Reader, accountId: string): Promise<number> {
  const r = await db.execute(
    sql`select coalesce(sum(amount), 0)::bigint as total from ledger_entries where account_id = ${accountId}`,
  );
  return Number(rowsOf<{ total: string | number }>(r)[0]?.total ?? 0);
}

export function walletCredits(db: Reader, userId: string): Promise<number> {
  return accountBalance(db, walletAccount(userId).id);
}

/** Transactions whose entries do not sum to zero in some currency (must always be empty). */
export async function unbalancedTransactions(
  db: Reader,
): Promise<{ transaction_id: string; currency: string; total: number }[]> {
  const r = await db.execute(
    sql`select transaction_id, currency, sum(amount)::bigint as total from ledger_entries group by transaction_id, currency having sum(amount) <> 0`,
  );
  return rowsOf<{ transaction_id: string; currency: string; total: string }>(r).map((x) => ({
    ...x,
    total: Number(x.total),
  }));
}
