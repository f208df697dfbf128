import { and, eq, inArray, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { creditPurchases, creditRefunds } from '../db/schema/payments.ts';
import { atomicPhase, recoveryPoint, response, type PhaseResult } from '../idempotency/atomic-phase.ts';
import { releaseKey, type IdempotencyKeyRow } from '../idempotency/key-store.ts';
import { drivePhases, type Outcome } from '../idempotency/phase-driver.ts';
import type { Tx } from '../idempotency/serializable.ts';
import { ProblemError } from '../http/problem.ts';
import { problem } from '../../../shared/errors.ts';
import { isTransientPspError, refundIdempotencyKey } from './psp.ts';
import { refundFacts } from './settlement/3-facts.ts';
import { applyRefundFacts, creditsToRevoke } from './settlement/5-apply-refund.ts';
import { walletCredits } from '../ledger/balance.ts';
import { refundJson } from './views.ts';
import type { PaymentsContext } from './context.ts';

export const REFUND_RECOVERY_POINTS = ['started', 'refund_created', 'psp_refund_created', 'finished'] as const;
type RefundPoint = (typeof REFUND_RECOVERY_POINTS)[number];

interface RefundParams {
  purchase_id: string;
  amount?: number;
  /** Admins may refund any purchase; others only their own. */
  as_admin?: boolean;
}

/**
 * Drives one refund to `finished`. The first phase checks, under SERIALIZABLE, that this refund
 * plus every pending or succeeded one stays within the charge, and stores the refund row before
 * the PSP is called with the key `gh-re-<refund id>`.
 */
export function runRefund(ctx: PaymentsContext, key: IdempotencyKeyRow, requestId: string): Promise<Outcome> {
  const params = key.requestParams as RefundParams;
  return drivePhases<RefundPoint>(
    ctx.db,
    key,
    {
      started: () => atomicPhase<RefundPoint>(ctx.db, key, (tx) => createRefund(tx, key, params, requestId)),
      refund_created: (refundId) => callPsp(ctx, key, refundId!, requestId),
      psp_refund_created: (refundId) =>
        atomicPhase<RefundPoint>(ctx.db, key, async (tx) => {
          const [row] = await tx.select().from(creditRefunds).where(eq(creditRefunds.id, refundId!));
          return response(201, refundJson(row));
        }),
    },
    ctx.observer,
  );
}

/** The first phase: the refund fits what is left of the charge, and its row is stored before any PSP call. */
async function createRefund(
  tx: Tx,
  key: IdempotencyKeyRow,
  params: RefundParams,
  requestId: string,
): Promise<PhaseResult<RefundPoint>> {
  const owner = params.as_admin ? undefined : eq(creditPurchases.userId, key.userId);
  const [p] = await tx
    .select()
    .from(creditPurchases)
    .where(and(eq(creditPurchases.id, params.purchase_id), owner))
    .for('update');
  if (!p) return response(404, problem('NOT_FOUND', requestId, { detail: 'No such purchase' }));
  if (p.status !== 'succeeded' || !p.paymentIntentId)
    return response(
      409,
      problem('PURCHASE_NOT_REFUNDABLE', requestId, {
        detail: `The purchase is ${p.status}; only a completed purchase can be refunded`,
      }),
    );
  const [{ taken }] = await tx
    .select({ taken: sql<number>`coalesce(sum(${creditRefunds.amountCents}), 0)::int` })
    .from(creditRefunds)
    .where(and(eq(creditRefunds.purchaseId, p.id), inArray(creditRefunds.status, ['pending', 'succeeded'])));
  const refundable = p.amountCents - Number(taken);
  const amount = params.amount ?? refundable;
  if (amount <= 0 || amount > refundable) {
    return response(
      422,
      problem('REFUND_EXCEEDS_CHARGE', requestId, {
        detail: `At most ${refundable} cents can still be refunded`,
        errors: [{ path: 'amount', message: `must be at most ${refundable}` }],
        extra: { refundable_cents: refundable },
      }),
    );
  }
  // Spent credits cannot be taken back (spending: payments/spend.ts): a customer's refund must leave
  // the wallet at or above zero. Support refunds beyond that as admin.
  if (!params.as_admin) {
    const revoke = creditsToRevoke(p.credits, p.amountCents, Number(taken), amount);
    const balance = await walletCredits(tx, p.userId);
    if (balance < revoke)
      return response(
        409,
        problem('PURCHASE_NOT_REFUNDABLE', requestId, {
          detail: `This refund would take back ${revoke} credits and the balance is ${balance}: spent credits cannot be refunded`,
        }),
      );
  }
  const id = crypto.randomUUID();
  await tx
    .insert(creditRefunds)
    .values({ id, purchaseId: p.id, userId: p.userId, amountCents: amount, status: 'pending', requestId });
  return recoveryPoint('refund_created', id);
}

async function callPsp(
  ctx: PaymentsContext,
  key: IdempotencyKeyRow,
  refundId: string,
  requestId: string,
): Promise<PhaseResult<RefundPoint>> {
  const [row] = await ctx.db.select().from(creditRefunds).where(eq(creditRefunds.id, refundId));
  const [p] = await ctx.db.select().from(creditPurchases).where(eq(creditPurchases.id, row.purchaseId));
  let refund: Stripe.Refund;
  try {
    refund = await ctx.stripe.refunds.create(
      {
        payment_intent: p.paymentIntentId!,
        amount: row.amountCents,
        metadata: { refund_id: row.id, purchase_id: p.id, user_id: p.userId },
      },
      { idempotencyKey: refundIdempotencyKey(row.id) },
    );
  } catch (e) {
    if (isTransientPspError(e)) {
      await releaseKey(ctx.db, key);
      throw new ProblemError(
        'PSP_UNAVAILABLE',
        'The payment provider did not answer; retry with the same Idempotency-Key',
        undefined,
        { 'retry-after': '2' },
      );
    }
    return atomicPhase<RefundPoint>(ctx.db, key, async (tx) => {
      await tx
        .update(creditRefunds)
        .set({
          status: 'failed',
          failureReason: (e as Stripe.errors.StripeError).code ?? 'psp_rejected',
          updatedAt: sql`now()`,
        })
        .where(eq(creditRefunds.id, row.id));
      return response(
        422,
        problem('REFUND_EXCEEDS_CHARGE', requestId, { detail: 'The payment provider refused the refund' }),
      );
    });
  }
  return atomicPhase<RefundPoint>(ctx.db, key, async (tx) => {
    await applyRefundFacts(tx, refundFacts(refund), 'api', requestId);
    return recoveryPoint('psp_refund_created');
  });
}
