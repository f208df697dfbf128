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
  const [txn] = await tx
    .insert(ledgerTransactions)
    .values({
      kind: input.kind,
      businessKey: input.businessKey,
      purchaseId: input.purchaseId,
      refundId: input.refundId,
      source: input.source,
    })
    .onConflictDoNothing({ target: ledgerTransactions.businessKey })
    .returning({ id: ledgerTransactions.id });
  if (!txn) return false;
  const accounts = [...new Map(input.postings.map((p) => [p.account.id, p.account])).values()];
  await tx
    .insert(ledgerAccounts)
    .values(accounts.map((a) => ({ id: a.id, kind: a.kind, currency: a.currency, userId: a.userId })))
    .onConflictDoNothing({ target: ledgerAccounts.id });
  await tx.insert(ledgerEntries).values(
    input.postings.map((p) => ({
      transactionId: txn.id,
      accountId: p.account.id,
      currency: p.account.currency,
      amount: p.amount,
    })),
  );
  const later = deferredChainOf(tx);
  if (later) later.push(txn.id);
  else await appendToChain(tx, txn.id);
  return true;
}
