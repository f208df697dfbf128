import { eq, or, sql } from 'drizzle-orm';
import { creditPurchases } from '../../db/schema/payments.ts';
import type { Tx } from '../../idempotency/serializable.ts';
import { postTransaction, type LedgerSource } from '../../ledger/post-transaction.ts';
import { SYSTEM_ACCOUNTS, walletAccount } from '../../ledger/accounts.ts';
import { enqueue } from './6-outbox.ts';
import type { PaymentIntentFacts } from './3-facts.ts';

export type Purchase = typeof creditPurchases.$inferSelect;
export type PurchaseStatus = Purchase['status'];
export const FINAL_PURCHASE_STATUSES: readonly PurchaseStatus[] = ['succeeded', 'failed', 'canceled'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ApplyOutcome =
  | 'applied'
  | 'already_applied'
  | 'status_updated'
  | 'not_ours'
  | 'amount_mismatch'
  | 'needs_fee';

/**
 * Our purchase for a PaymentIntent: by stored id, else by the purchase id in its metadata (one
 * query: webhooks usually arrive before the purchase has stored the id). Row-locked.
 */
async function purchaseForPaymentIntent(
  tx: Tx,
  piId: string,
  metadata: Record<string, string>,
): Promise<Purchase | undefined> {
  const pid = metadata.purchase_id;
  const byPi = eq(creditPurchases.paymentIntentId, piId);
  const rows = await tx
    .select()
    .from(creditPurchases)
    .where(pid && UUID.test(pid) ? or(byPi, eq(creditPurchases.id, pid)) : byPi)
    .for('update');
  return rows.find((p) => p.paymentIntentId === piId) ?? rows[0];
}

/** Statuses only move forward (succeeded last: a failed card may still be retried and succeed). */
const STATUS_RANK: Record<PurchaseStatus, number> = {
  created: 0,
  requires_payment_method: 1,
  requires_confirmation: 1,
  requires_action: 2,
  processing: 3,
  failed: 4,
  canceled: 4,
  succeeded: 5,
};

/** PaymentIntent status → our purchase status while no ledger effect exists yet. */
function pendingStatus(f: PaymentIntentFacts): PurchaseStatus {
  switch (f.status) {
    case 'canceled':
      return 'canceled';
    case 'requires_payment_method':
      return f.failureCode ? 'failed' : 'requires_payment_method';
    case 'requires_confirmation':
      return 'requires_confirmation';
    case 'requires_action':
      return 'requires_action';
    default:
      return 'processing'; // processing, requires_capture, and succeeded-before-the-ledger
  }
}

/**
 * Applies what the PSP says about a PaymentIntent, once. A success posts three ledger transactions
 * (purchase, psp_fee, credit_grant), each under its business key, plus the outbox messages, all in
 * the caller's transaction. Converges whatever the order and number of calls: a succeeded purchase
 * never moves back, and a second success is a no-op. `requestId` (the webhook delivery, or the
 * recovery/reconcile run) goes on the outbox messages.
 */
export async function applyPaymentIntentFacts(
  tx: Tx,
  f: PaymentIntentFacts,
  source: LedgerSource,
  requestId: string | null,
): Promise<ApplyOutcome> {
  const purchase = await purchaseForPaymentIntent(tx, f.id, f.metadata);
  if (!purchase) return 'not_ours';
  if (purchase.paymentIntentId && purchase.paymentIntentId !== f.id) return 'not_ours';
  if (f.amount !== purchase.amountCents || f.currency.toLowerCase() !== purchase.currency) return 'amount_mismatch';
  if (purchase.status === 'succeeded') return 'already_applied';
  if (f.status !== 'succeeded') {
    const status = pendingStatus(f);
    // Events arrive late and out of order: a stale `payment_intent.created` must not undo a failure.
    if (STATUS_RANK[status] < STATUS_RANK[purchase.status]) return 'already_applied';
    await tx
      .update(creditPurchases)
      .set({ paymentIntentId: f.id, status, failureCode: f.failureCode, updatedAt: sql`now()` })
      .where(eq(creditPurchases.id, purchase.id));
    return 'status_updated';
  }
  if (f.feeCents === null) return 'needs_fee';
  const applied = await postTransaction(tx, {
    kind: 'purchase',
    businessKey: `${f.id}:purchase`,
    purchaseId: purchase.id,
    source,
    postings: [
      { account: SYSTEM_ACCOUNTS.pspClearing, amount: f.amount },
      { account: SYSTEM_ACCOUNTS.revenue, amount: -f.amount },
    ],
  });
  if (f.feeCents > 0) {
    await postTransaction(tx, {
      kind: 'psp_fee',
      businessKey: `${f.id}:psp_fee`,
      purchaseId: purchase.id,
      source,
      postings: [
        { account: SYSTEM_ACCOUNTS.pspFees, amount: f.feeCents },
        { account: SYSTEM_ACCOUNTS.pspClearing, amount: -f.feeCents },
      ],
    });
  }
  const granted = await postTransaction(tx, {
    kind: 'credit_grant',
    businessKey: `${f.id}:credit_grant`,
    purchaseId: purchase.id,
    source,
    postings: [
      { account: walletAccount(purchase.userId), amount: purchase.credits },
      { account: SYSTEM_ACCOUNTS.creditIssuance, amount: -purchase.credits },
    ],
  });
  await tx
    .update(creditPurchases)
    .set({
      paymentIntentId: f.id,
      status: 'succeeded',
      chargeId: f.chargeId,
      feeCents: f.feeCents,
      failureCode: null,
      updatedAt: sql`now()`,
    })
    .where(eq(creditPurchases.id, purchase.id));
  if (granted) {
    const payload = {
      purchase_id: purchase.id,
      user_id: purchase.userId,
      credits: purchase.credits,
      amount_cents: purchase.amountCents,
      payment_intent_id: f.id,
    };
    await enqueue(tx, ['credits.granted', 'receipt.mail'], payload, requestId);
  }
  return applied || granted ? 'applied' : 'already_applied';
}
