import { and, eq, inArray, lt, notInArray, sql } from 'drizzle-orm';
import { idempotencyKeys } from '../db/schema/idempotency.ts';
import { creditPurchases, creditRefunds } from '../db/schema/payments.ts';
import { serializable } from '../idempotency/serializable.ts';
import { takeOverStaleKey } from '../idempotency/key-store.ts';
import { LockLostError } from '../idempotency/atomic-phase.ts';
import { runPurchase } from '../payments/purchase-phases.ts';
import { runRefund } from '../payments/refund-phases.ts';
import { applyPaymentIntentFacts, FINAL_PURCHASE_STATUSES } from '../payments/settlement/4-apply-payment-intent.ts';
import { applyRefundFacts } from '../payments/settlement/5-apply-refund.ts';
import {
  fetchPaymentIntentFacts,
  refundFacts,
  searchPaymentIntentFacts,
  type PaymentIntentFacts,
  type RefundFacts,
} from '../payments/settlement/3-facts.ts';
import type { PaymentsContext } from '../payments/context.ts';
import { runCheckout } from '../payments/checkout-phases.ts';
import { runSpend } from '../payments/spend.ts';

/** Which state machine resumes a key of each operation (purchases when unnamed: the oldest keys). */
const RUNNERS: Record<string, typeof runPurchase> = {
  'purchase.create': runPurchase,
  'refund.create': runRefund,
  'checkout.create': runCheckout,
  'credits.spend': (ctx, key, requestId) => runSpend(ctx.db, key, requestId),
};

/** Rows touched more recently than this are left to the request still working on them. */
const RECOVERY_MIN_AGE_SECONDS = 2;
/** Work per round, so one round stays short even after a long outage. */
const RECOVERY_BATCH = 100;

export interface RecoveryReport {
  /**
   * `recovery-<uuid>`, this round's request id: recovery has no HTTP request, so what it writes
   * (purchases of resumed keys, outbox messages) and every line it logs carry this id instead.
   */
  runId: string;
  keysResumed: number;
  purchasesSettled: number;
  refundsSettled: number;
  errors: number;
}

/**
 * One recovery round, run on start and periodically:
 * 1. resume idempotency keys whose request died (stale lock) from their recovery point;
 * 2. settle purchases not in a final state by asking the PSP (by id, or by our metadata when the
 *    PaymentIntent id was never stored);
 * 3. settle pending refunds the same way.
 * Facts go through the same apply functions as webhooks, so whichever path comes first wins once.
 * A resumed key continues under the round's id: the request that started it is gone, and its own
 * lines are found by the key's purchase or refund id.
 */
export async function recoverOnce(
  ctx: PaymentsContext,
  opts: { lockTimeoutMs: number; minAgeSeconds?: number },
): Promise<RecoveryReport> {
  const runId = `recovery-${crypto.randomUUID()}`;
  const report: RecoveryReport = { runId, keysResumed: 0, purchasesSettled: 0, refundsSettled: 0, errors: 0 };
  const log = ctx.log.child({ request_id: runId });
  const fail = (what: string, id: string, e: unknown) => {
    report.errors++;
    log.warn({ [what]: id, err: (e as Error).message }, 'payments recovery: will retry next round');
  };

  const keys = await ctx.db
    .select({ id: idempotencyKeys.id })
    .from(idempotencyKeys)
    .where(
      and(
        sql`${idempotencyKeys.recoveryPoint} <> 'finished'`,
        sql`(${idempotencyKeys.lockedAt} is null or ${idempotencyKeys.lockedAt} < now() - make_interval(secs => ${opts.lockTimeoutMs / 1000}))`,
      ),
    )
    .orderBy(idempotencyKeys.lastRunAt)
    .limit(RECOVERY_BATCH);
  for (const { id } of keys) {
    try {
      const key = await takeOverStaleKey(ctx.db, id, opts.lockTimeoutMs);
      if (!key) continue;
      const run = RUNNERS[key.operation] ?? runPurchase;
      log.info(
        { idempotency_key_id: key.id, operation: key.operation, recovery_point: key.recoveryPoint },
        'payments recovery: resuming key',
      );
      await run({ ...ctx, log }, key, runId);
      report.keysResumed++;
    } catch (e) {
      if (!(e instanceof LockLostError)) fail('idempotency_key_id', id, e); // a live request took it back: fine
    }
  }

  const ageCut = sql`now() - make_interval(secs => ${opts.minAgeSeconds ?? RECOVERY_MIN_AGE_SECONDS})`;
  const purchases = await ctx.db
    .select()
    .from(creditPurchases)
    .where(and(notInArray(creditPurchases.status, [...FINAL_PURCHASE_STATUSES]), lt(creditPurchases.updatedAt, ageCut)))
    .orderBy(creditPurchases.updatedAt)
    .limit(RECOVERY_BATCH);
  for (const p of purchases) {
    try {
      const candidates: PaymentIntentFacts[] = p.paymentIntentId
        ? [await fetchPaymentIntentFacts(ctx.stripe, p.paymentIntentId)]
        : await searchPaymentIntentFacts(ctx.stripe, p.id);
      const facts = candidates.find((f) => f.status === 'succeeded') ?? candidates[0];
      if (!facts) continue;
      const outcome = await serializable(ctx.db, (tx) => applyPaymentIntentFacts(tx, facts, 'recovery', runId));
      if (outcome === 'applied') {
        report.purchasesSettled++;
        log.info({ purchase_id: p.id, payment_intent_id: facts.id }, 'payments recovery: purchase settled');
      }
    } catch (e) {
      fail('purchase_id', p.id, e);
    }
  }

  const refunds = await ctx.db
    .select({ r: creditRefunds, pi: creditPurchases.paymentIntentId })
    .from(creditRefunds)
    .innerJoin(creditPurchases, eq(creditPurchases.id, creditRefunds.purchaseId))
    .where(and(inArray(creditRefunds.status, ['pending']), lt(creditRefunds.updatedAt, ageCut)))
    .limit(RECOVERY_BATCH);
  for (const { r, pi } of refunds) {
    try {
      let facts: RefundFacts | undefined;
      if (r.pspRefundId) facts = refundFacts(await ctx.stripe.refunds.retrieve(r.pspRefundId));
      else if (pi)
        facts = (await ctx.stripe.refunds.list({ payment_intent: pi, limit: 100 })).data
          .map(refundFacts)
          .find((f) => f.metadata.refund_id === r.id);
      if (!facts) continue;
      const settled = facts;
      const piFacts = pi ? await fetchPaymentIntentFacts(ctx.stripe, pi) : undefined;
      const outcome = await serializable(ctx.db, async (tx) => {
        if (piFacts) await applyPaymentIntentFacts(tx, piFacts, 'recovery', runId);
        return applyRefundFacts(tx, settled, 'recovery', runId);
      });
      if (outcome === 'applied') {
        report.refundsSettled++;
        log.info({ refund_id: r.id, psp_refund_id: settled.id }, 'payments recovery: refund settled');
      }
    } catch (e) {
      fail('refund_id', r.id, e);
    }
  }
  return report;
}
