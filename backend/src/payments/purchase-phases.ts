import { eq, sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { creditPurchases } from '../db/schema/payments.ts';
import { atomicPhase, recoveryPoint, response, type PhaseResult } from '../idempotency/atomic-phase.ts';
import type { Tx } from '../idempotency/serializable.ts';
import { drivePhases, type Outcome } from '../idempotency/phase-driver.ts';
import { releaseKey, type IdempotencyKeyRow } from '../idempotency/key-store.ts';
import { ProblemError } from '../http/problem.ts';
import { problem } from '../../../shared/errors.ts';
import { findPackage } from './packages.ts';
import { isTransientPspError, piIdempotencyKey } from './psp.ts';
import { purchaseJson } from './views.ts';
import type { PaymentsContext } from './context.ts';

/** The purchase state machine's recovery points, in order (rocket-rides `atomic_phase`s). */
export const PURCHASE_RECOVERY_POINTS = ['started', 'purchase_created', 'payment_intent_created', 'finished'] as const;
type PurchasePoint = (typeof PURCHASE_RECOVERY_POINTS)[number];

export interface PurchaseParams {
  package_id: string;
  payment_method?: string;
}

type Purchase = typeof creditPurchases.$inferSelect;

/**
 * The purchase record, stored before any PSP call (its id keys the PaymentIntent). A new request
 * runs this as the key's first phase, in the key's own transaction (`beginIdempotentRequest`);
 * a key left at `started` runs it as the phase below. `requestId`: the request storing it (or the
 * recovery run resuming its key), kept on the row to trace it back to its log lines.
 */
export async function insertPurchase(
  tx: Tx,
  userId: string,
  params: PurchaseParams,
  requestId: string | null,
): Promise<Purchase> {
  const pkg = findPackage(params.package_id);
  if (!pkg) throw new Error(`unknown credit package ${params.package_id}`);
  const [created] = await tx
    .insert(creditPurchases)
    .values({
      id: crypto.randomUUID(),
      userId,
      packageId: pkg.id,
      amountCents: pkg.priceCents,
      currency: pkg.currency,
      credits: pkg.credits,
      status: 'created',
      paymentMethod: params.payment_method ?? null,
      requestId,
    })
    .returning();
  return created;
}

/**
 * Drives one purchase from its key's recovery point to `finished`; each step is one atomic phase,
 * so a crash anywhere resumes here (from the client's retry or from recovery) without a second
 * PaymentIntent: the PSP call is keyed by our purchase id. `known`: the purchase this request
 * just stored with its key, so the PSP phase need not read it back (used only if it is the key's).
 */
export function runPurchase(
  ctx: PaymentsContext,
  key: IdempotencyKeyRow,
  requestId: string,
  known?: Purchase,
): Promise<Outcome> {
  const params = key.requestParams as PurchaseParams;
  return drivePhases<PurchasePoint>(
    ctx.db,
    key,
    {
      started: () =>
        atomicPhase<PurchasePoint>(ctx.db, key, async (tx) => {
          const pkg = findPackage(params.package_id);
          if (!pkg) return response(404, problem('NOT_FOUND', requestId, { detail: 'No such credit package' }));
          const created = await insertPurchase(tx, key.userId, params, requestId);
          return recoveryPoint('purchase_created', created.id);
        }),
      purchase_created: (purchaseId) =>
        callPsp(ctx, key, known && known.id === purchaseId ? known : purchaseId!, params, requestId),
      // Only keys stored before recording and finishing became one phase stop here.
      payment_intent_created: (purchaseId) =>
        atomicPhase<PurchasePoint>(ctx.db, key, async (tx) => {
          const [p] = await tx.select().from(creditPurchases).where(eq(creditPurchases.id, purchaseId!));
          return response(201, purchaseJson(p));
        }),
    },
    ctx.observer,
  );
}

async function callPsp(
  ctx: PaymentsContext,
  key: IdempotencyKeyRow,
  purchase: Purchase | string,
  params: PurchaseParams,
  requestId: string,
): Promise<PhaseResult<PurchasePoint>> {
  const p =
    typeof purchase === 'string'
      ? (await ctx.db.select().from(creditPurchases).where(eq(creditPurchases.id, purchase)))[0]
      : purchase;
  let pi: Stripe.PaymentIntent;
  try {
    pi = await ctx.stripe.paymentIntents.create(
      {
        amount: p.amountCents,
        currency: p.currency,
        description: `Gatehouse credits: ${p.packageId}`,
        metadata: { purchase_id: p.id, user_id: p.userId, package_id: p.packageId },
        ...(params.payment_method
          ? { payment_method: params.payment_method, confirm: true, payment_method_types: ['card'] }
          : { payment_method_types: ['card'] }),
      },
      { idempotencyKey: piIdempotencyKey(p.id) },
    );
  } catch (e) {
    if (e instanceof Stripe.errors.StripeCardError) {
      const declined = e.payment_intent;
      return atomicPhase<PurchasePoint>(ctx.db, key, async (tx) => {
        await tx
          .update(creditPurchases)
          .set({
            status: 'failed',
            paymentIntentId: declined?.id ?? null,
            failureCode: e.decline_code ?? e.code ?? 'card_declined',
            updatedAt: sql`now()`,
          })
          .where(eq(creditPurchases.id, p.id));
        return response(
          402,
          problem('PAYMENT_FAILED', requestId, {
            detail: 'The card was declined',
            extra: { purchase_id: p.id, decline_code: e.decline_code ?? e.code ?? null },
          }),
        );
      });
    }
    if (isTransientPspError(e)) {
      await releaseKey(ctx.db, key);
      ctx.log.warn(
        { request_id: requestId, purchase_id: p.id, err: (e as Error).message },
        'psp unavailable; purchase will resume on retry or recovery',
      );
      throw new ProblemError(
        'PSP_UNAVAILABLE',
        'The payment provider did not answer; retry with the same Idempotency-Key',
        undefined,
        { 'retry-after': '2' },
      );
    }
    const invalidMethod = e instanceof Stripe.errors.StripeInvalidRequestError && e.param === 'payment_method';
    return atomicPhase<PurchasePoint>(ctx.db, key, async (tx) => {
      await tx
        .update(creditPurchases)
        .set({
          status: 'failed',
          failureCode: (e as Stripe.errors.StripeError).code ?? 'psp_rejected',
          updatedAt: sql`now()`,
        })
        .where(eq(creditPurchases.id, p.id));
      return invalidMethod
        ? response(
            400,
            problem('VALIDATION_FAILED', requestId, {
              detail: 'The payment method was not accepted',
              errors: [{ path: 'payment_method', message: 'not accepted by the payment provider' }],
              extra: { purchase_id: p.id },
            }),
          )
        : response(
            502,
            problem('PSP_UNAVAILABLE', requestId, {
              detail: 'The payment provider refused the request',
              extra: { purchase_id: p.id },
            }),
          );
    });
  }
  // Recording the PaymentIntent and finishing the key are one phase (one commit): the response is
  // the purchase as recorded. A crash before it commits resumes at `purchase_created` and gets the
  // PSP's replay for the same key.
  const next =
    pi.status === 'succeeded' || pi.status === 'processing'
      ? 'processing'
      : pi.status === 'canceled'
        ? 'canceled'
        : (pi.status as Purchase['status']);
  return atomicPhase<PurchasePoint>(ctx.db, key, async (tx) => {
    // A verified webhook may already have settled it while we waited for the PSP: never move it back.
    const [recorded] = await tx
      .update(creditPurchases)
      .set({
        paymentIntentId: pi.id,
        clientSecret: pi.client_secret,
        updatedAt: sql`now()`,
        status: sql`case when ${creditPurchases.status} = 'succeeded' then ${creditPurchases.status} else ${next} end`,
      })
      .where(eq(creditPurchases.id, p.id))
      .returning();
    return response(201, purchaseJson(recorded), 'payment_intent_created');
  });
}
