import { eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { creditPurchases } from '../db/schema/payments.ts';
import { atomicPhase, recoveryPoint, response, type PhaseResult } from '../idempotency/atomic-phase.ts';
import { releaseKey, type IdempotencyKeyRow } from '../idempotency/key-store.ts';
import { ProblemError } from '../http/problem.ts';
import { problem } from '../../../shared/errors.ts';
import { findPackage } from './packages.ts';
import { isTransientPspError } from './psp.ts';
import { drivePhases, type Outcome } from '../idempotency/phase-driver.ts';
import { insertPurchase } from './purchase-phases.ts';
import type { PaymentsContext } from './context.ts';

/**
 * Checkout (Stripe's hosted page) for a credit package, as rocket-rides phases:
 * started ─▶ purchase_created ─▶ (Stripe Checkout Session, key gh-cs-<purchase id>) ─▶ finished.
 * The card never touches our servers; the PaymentIntent Stripe creates when the customer pays
 * carries our purchase id in its metadata, so the webhook, recovery and reconcile find the purchase
 * and grant its credits under the same business keys as any other purchase (exactly once).
 */
const CHECKOUT_RECOVERY_POINTS = ['started', 'purchase_created', 'finished'] as const;
type CheckoutPoint = (typeof CHECKOUT_RECOVERY_POINTS)[number];

interface CheckoutParams {
  package_id: string;
  /** Contains `{CHECKOUT_SESSION_ID}`, which Stripe replaces on the redirect. */
  success_url: string;
  cancel_url: string;
  email?: string;
}

/** Our key for Stripe, derived from our purchase id: a resumed phase gets Stripe's replay, never a second session. */
const checkoutIdempotencyKey = (purchaseId: string) => `gh-cs-${purchaseId}`;

type Purchase = typeof creditPurchases.$inferSelect;

/** What the page needs to send the customer on: the stored answer of the key. */
export interface CheckoutAnswer {
  purchase_id: string;
  checkout_session_id: string;
  url: string | null;
}

/** Drives one checkout to `finished` with the same phase loop as purchase and refund (`drivePhases`). */
export function runCheckout(
  ctx: PaymentsContext,
  key: IdempotencyKeyRow,
  requestId: string,
  known?: Purchase,
): Promise<Outcome> {
  const params = key.requestParams as CheckoutParams;
  return drivePhases<CheckoutPoint>(
    ctx.db,
    key,
    {
      started: () =>
        atomicPhase<CheckoutPoint>(ctx.db, key, async (tx) => {
          if (!findPackage(params.package_id))
            return response(404, problem('NOT_FOUND', requestId, { detail: 'No such credit package' }));
          const created = await insertPurchase(tx, key.userId, { package_id: params.package_id }, requestId);
          return recoveryPoint('purchase_created', created.id);
        }),
      purchase_created: async (purchaseId) => {
        const p =
          known && known.id === purchaseId
            ? known
            : (await ctx.db.select().from(creditPurchases).where(eq(creditPurchases.id, purchaseId!)))[0];
        return createSession(ctx, key, p, params, requestId);
      },
    },
    ctx.observer,
  );
}

async function createSession(
  ctx: PaymentsContext,
  key: IdempotencyKeyRow,
  p: Purchase,
  params: CheckoutParams,
  requestId: string,
): Promise<PhaseResult<CheckoutPoint>> {
  const pkg = findPackage(p.packageId)!;
  const metadata = { purchase_id: p.id, user_id: p.userId, package_id: p.packageId };
  let session: Stripe.Checkout.Session;
  try {
    session = await ctx.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: p.currency,
              unit_amount: p.amountCents,
              product_data: { name: `Gatehouse credits: ${pkg.name} (${p.credits} credits)` },
            },
          },
        ],
        client_reference_id: p.id,
        metadata,
        payment_intent_data: { metadata, description: `Gatehouse credits: ${p.packageId}` },
        ...(params.email ? { customer_email: params.email } : {}),
        success_url: params.success_url,
        cancel_url: params.cancel_url,
      },
      { idempotencyKey: checkoutIdempotencyKey(p.id) },
    );
  } catch (e) {
    if (isTransientPspError(e)) {
      await releaseKey(ctx.db, key);
      ctx.log.warn(
        { request_id: requestId, purchase_id: p.id, err: (e as Error).message },
        'psp unavailable; checkout will resume on retry or recovery',
      );
      throw new ProblemError('PSP_UNAVAILABLE', 'The payment provider did not answer; try again', undefined, {
        'retry-after': '2',
      });
    }
    return atomicPhase<CheckoutPoint>(ctx.db, key, async (tx) => {
      await tx
        .update(creditPurchases)
        .set({
          status: 'failed',
          failureCode: (e as Stripe.errors.StripeError).code ?? 'psp_rejected',
          updatedAt: sql`now()`,
        })
        .where(eq(creditPurchases.id, p.id));
      return response(
        502,
        problem('PSP_UNAVAILABLE', requestId, {
          detail: 'The payment provider refused to start checkout',
          extra: { purchase_id: p.id },
        }),
      );
    });
  }
  // The customer has to pay on Stripe's page now; a webhook may already have moved it further.
  return atomicPhase<CheckoutPoint>(ctx.db, key, async (tx) => {
    await tx
      .update(creditPurchases)
      .set({
        status: sql`case when ${creditPurchases.status} = 'created' then 'requires_payment_method' else ${creditPurchases.status} end`,
        updatedAt: sql`now()`,
      })
      .where(eq(creditPurchases.id, p.id));
    const answer: CheckoutAnswer = { purchase_id: p.id, checkout_session_id: session.id, url: session.url };
    return response(201, answer);
  });
}
