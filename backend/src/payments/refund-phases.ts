import { and, eq, inArray, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { creditPurchases, creditRefunds } from '../db/schema/payments.ts';
import { idempotencyKeys } from '../db/schema/idempotency.ts';
import { atomicPhase, recoveryPoint, response, type PhaseResult } from '../idempotency/atomic-phase.ts';
import { releaseKey, type IdempotencyKeyRow } from '../idempotency/key-store.ts';
import { ProblemError } from '../http/problem.ts';
import { problem } from '../../../shared/errors.ts';
import { isTransientPspError, refundIdempotencyKey } from './psp.ts';
import { refundFacts } from './facts.ts';
import { applyRefundFacts, creditsToRevoke } from './apply-refund.ts';
import { walletCredits } from '../ledger/balance.ts';
import { refundJson } from './views.ts';
import type { PaymentsContext } from './context.ts';
import type { Outcome } from './purchase-phases.ts';

export const REFUND_RECOVERY_POINTS = ['started', 'refund_created', 'psp_refund_created', 'finished'] as const;
export type RefundPoint = (typeof REFUND_RECOVERY_POINTS)[number];

export interface RefundParams {
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
export async function runRefund(ctx: PaymentsContext, key: IdempotencyKeyRow, requestId: string): Promise<Outcome> {
  const params = key.requestParams as RefundParams;
  let point = key.recoveryPoint as RefundPoint;
  let refundId = key.resourceId;
  for (;;) {
    let r: PhaseResult<RefundPoint>;
    switch (point) {
      case 'started':
        r = await atomicPhase<RefundPoint>(ctx.db, key, async (tx) => {
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
          // Spent credits cannot be taken back (spending arrived with payments/spend.ts): a customer's
          // refund must leave the wallet at or above zero. Support refunds beyond that as admin.
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
            .values({ id, purchaseId: p.id, userId: p.userId, amountCents: amount, status: 'pending' });
          return recoveryPoint('refund_created', id);
        });
        break;
      case 'refund_created':
        r = await callPsp(ctx, key, refundId!, requestId);
        break;
      case 'psp_refund_created':
        r = await atomicPhase<RefundPoint>(ctx.db, key, async (tx) => {
          const [row] = await tx.select().from(creditRefunds).where(eq(creditRefunds.id, refundId!));
          return response(201, refundJson(row));
        });
        break;
      case 'finished': {
        const [k] = await ctx.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.id, key.id));
        return { status: k.responseStatus!, body: k.responseBody };
      }
      default:
        throw new Error(`unknown refund recovery point: ${String(point)}`);
    }
    if (r.kind === 'response') return { status: r.status, body: r.body };
    if (r.kind === 'recovery_point') {
      point = r.point;
      refundId = r.resourceId ?? refundId;
    }
  }
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
    await applyRefundFacts(tx, refundFacts(refund), 'api');
    return recoveryPoint('psp_refund_created');
  });
}
