import { sql } from 'drizzle-orm';
import { rowsOf } from '../db/client.ts';
import { ledgerAccounts, ledgerTransactions, ledgerEntries } from '../db/schema/ledger.ts';
import type { Tx } from '../idempotency/serializable.ts';
import type { AccountRef } from './accounts.ts';
import { appendToChain, deferredChainOf } from './chain.ts';

type LedgerKind = 'purchase' | 'psp_fee' | 'refund' | 'credit_grant' | 'credit_revoke' | 'credit_spend';
export type LedgerSource = 'webhook' | 'recovery' | 'reconcile' | 'api';

interface Posting {
  account: AccountRef;
  amount: number;
}

export interface LedgerTransactionInput {
  kind: LedgerKind;
  /** Unique per effect of one PSP fact (`<pi id>:purchase`); a second post is a no-op. */
  businessKey: string;
  purchaseId?: string;
  refundId?: string;
  source: LedgerSource;
  postings: Posting[];
}

/** @internal exported for its tests */
export class UnbalancedTransactionError extends Error {}

/**
 * Throws unless the postings sum to zero in every currency and every amount is a non-zero integer.
 * @internal exported for its tests
 */
export function assertBalanced(postings: Posting[]): void {
  if (postings.length < 2) throw new UnbalancedTransactionError('a ledger transaction needs at least two entries');
  const sums = new Map<string, number>();
  for (const p of postings) {
    if (!Number.isSafeInteger(p.amount) || p.amount === 0)
      throw new UnbalancedTransactionError(`entry amount must be a non-zero integer, got ${p.amount}`);
    sums.set(p.account.currency, (sums.get(p.account.currency) ?? 0) + p.amount);
  }
  for (const [currency, sum] of sums)
    if (sum !== 0) throw new UnbalancedTransactionError(`transaction does not balance in ${currency} (off by ${sum})`);
}

/**
 * Appends one balanced transaction, unless one with the same business key exists.
 * Returns whether it was applied now. Runs inside the caller's transaction, so the effect, the
 * inbox row, the outbox rows and the transaction's link in the hash chain (chain.ts) commit together
 * (the link appended now, or at the end of a transaction that chains its writes there: `deferChain`).
 */
export async function postTransaction(tx: Tx, input: LedgerTransactionInput): Promise<boolean> {
  assertBalanced(input.postings);
  const accounts = [...new Map(input.postings.map((p) => [p.account.id, p.account])).values()];
  // One statement (one round trip instead of three): the transaction unless its business key
  // exists, its accounts unless they exist, and its entries only if the transaction was inserted.
  // The entries' foreign keys are checked at the end of the statement, when the rows of the CTEs
  // before them exist.
  const [txn] = rowsOf<{ id: string }>(
    await tx.execute(sql`with txn as (
        insert into ${ledgerTransactions} (kind, business_key, purchase_id, refund_id, source)
        values (${input.kind}, ${input.businessKey}, ${input.purchaseId ?? null}::uuid, ${input.refundId ?? null}::uuid, ${input.source})
        on conflict (business_key) do nothing
        returning id
      ), accounts as (
        insert into ${ledgerAccounts} (id, kind, currency, user_id)
        select a.id, a.kind, a.currency, a.user_id::uuid from (values ${sql.join(
          accounts.map((a) => sql`(${a.id}, ${a.kind}, ${a.currency}, ${a.userId ?? null})`),
          sql`, `,
        )}) as a (id, kind, currency, user_id)
        where exists (select 1 from txn)
        on conflict (id) do nothing
      ), entries as (
        insert into ${ledgerEntries} (transaction_id, account_id, currency, amount)
        select txn.id, e.account_id, e.currency, e.amount::bigint from txn cross join (values ${sql.join(
          input.postings.map((p) => sql`(${p.account.id}, ${p.account.currency}, ${String(p.amount)})`),
          sql`, `,
        )}) as e (account_id, currency, amount)
      )
      select id from txn`),
  );
  if (!txn) return false;
  const later = deferredChainOf(tx);
  if (later) later.push(txn.id);
  else await appendToChain(tx, txn.id);
  return true;
}
