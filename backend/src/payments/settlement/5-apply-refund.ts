import { and, eq, sql } from 'drizzle-orm';
import { creditPurchases, creditRefunds } from '../../db/schema/payments.ts';
import type { Tx } from '../../idempotency/serializable.ts';
import { postTransaction, type LedgerSource } from '../../ledger/post-transaction.ts';
import { SYSTEM_ACCOUNTS, walletAccount } from '../../ledger/accounts.ts';
import { enqueue } from './6-outbox.ts';
import type { RefundFacts } from './3-facts.ts';

export type Refund = typeof creditRefunds.$inferSelect;
export type RefundOutcome = 'applied' | 'already_applied' | 'status_updated' | 'not_ours' | 'needs_purchase';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Credits taken back by a refund of `amount` when `before` cents were already refunded: the
 * difference of the pro-rata floors, so however the refunds arrive, their revocations add up to
 * floor(credits × refunded / charged) — all the credits after a full refund.
 */
export function creditsToRevoke(credits: number, charged: number, before: number, amount: number): number {
  return Math.floor((credits * (before + amount)) / charged) - Math.floor((credits * before) / charged);
}

/**
 * Applies a PSP refund, once: `refund` (USD: refunds ← clearing; the PSP fee is not returned) and
 * `credit_revoke` (CREDITS: wallet → issuance) under the refund's business keys, plus the outbox
 * message. A refund we did not start (e.g. from the PSP dashboard) gets its own row. If the
 * purchase's success is not applied yet, answers `needs_purchase` so the caller applies it first.
 * `requestId` goes on a row this creates and on the outbox message.
 */
export async function applyRefundFacts(
  tx: Tx,
  r: RefundFacts,
  source: LedgerSource,
  requestId: string | null,
): Promise<RefundOutcome> {
  if (!r.paymentIntentId) return 'not_ours';
  const [purchase] = await tx
    .select()
    .from(creditPurchases)
    .where(eq(creditPurchases.paymentIntentId, r.paymentIntentId))
    .for('update');
  if (!purchase) return 'not_ours';
  let [row] = await tx.select().from(creditRefunds).where(eq(creditRefunds.pspRefundId, r.id)).for('update');
  if (!row && r.metadata.refund_id && UUID.test(r.metadata.refund_id)) {
    [row] = await tx
      .select()
      .from(creditRefunds)
      .where(and(eq(creditRefunds.id, r.metadata.refund_id), eq(creditRefunds.purchaseId, purchase.id)))
      .for('update');
  }
  if (!row) {
    [row] = await tx
      .insert(creditRefunds)
      .values({
        id: crypto.randomUUID(),
        purchaseId: purchase.id,
        userId: purchase.userId,
        amountCents: r.amount,
        status: 'pending',
        pspRefundId: r.id,
        requestId,
      })
      .returning();
  }
  if (row.status === 'succeeded') return 'already_applied';
  if (r.status === 'failed' || r.status === 'canceled') {
    await tx
      .update(creditRefunds)
      .set({ pspRefundId: r.id, status: r.status === 'failed' ? 'failed' : 'canceled', updatedAt: sql`now()` })
      .where(eq(creditRefunds.id, row.id));
    return 'status_updated';
  }
  if (r.status !== 'succeeded') {
    await tx
      .update(creditRefunds)
      .set({ pspRefundId: r.id, updatedAt: sql`now()` })
      .where(eq(creditRefunds.id, row.id));
    return 'status_updated';
  }
  if (purchase.status !== 'succeeded') return 'needs_purchase';
  const [{ before }] = await tx
    .select({ before: sql<number>`coalesce(sum(${creditRefunds.amountCents}), 0)::int` })
    .from(creditRefunds)
    .where(and(eq(creditRefunds.purchaseId, purchase.id), eq(creditRefunds.status, 'succeeded')));
  const revoke = creditsToRevoke(purchase.credits, purchase.amountCents, Number(before), r.amount);
  await postTransaction(tx, {
    kind: 'refund',
    businessKey: `${r.id}:refund`,
    purchaseId: purchase.id,
    refundId: row.id,
    source,
    postings: [
      { account: SYSTEM_ACCOUNTS.refunds, amount: r.amount },
      { account: SYSTEM_ACCOUNTS.pspClearing, amount: -r.amount },
    ],
  });
  if (revoke > 0) {
    await postTransaction(tx, {
      kind: 'credit_revoke',
      businessKey: `${r.id}:credit_revoke`,
      purchaseId: purchase.id,
      refundId: row.id,
      source,
      postings: [
        { account: SYSTEM_ACCOUNTS.creditIssuance, amount: revoke },
        { account: walletAccount(purchase.userId), amount: -revoke },
      ],
    });
  }
  await tx
    .update(creditRefunds)
    .set({
      pspRefundId: r.id,
      amountCents: r.amount,
      status: 'succeeded',
      creditsRevoked: revoke,
      updatedAt: sql`now()`,
    })
    .where(eq(creditRefunds.id, row.id));
  await enqueue(
    tx,
    'refund.processed',
    {
      refund_id: row.id,
      purchase_id: purchase.id,
      user_id: purchase.userId,
      amount_cents: r.amount,
      credits_revoked: revoke,
      psp_refund_id: r.id,
    },
    requestId,
  );
  return 'applied';
}
