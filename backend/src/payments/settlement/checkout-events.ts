import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { creditPurchases } from '../../db/schema/payments.ts';
import type { Tx } from '../../idempotency/serializable.ts';
import { fetchPaymentIntentFacts, type PaymentIntentFacts } from './3-facts.ts';
import type { PaymentsContext } from '../context.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checkout events that mean the customer paid (async methods settle later; cards at once). */
const PAID = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);

/**
 * The facts a Checkout Session event stands for: its PaymentIntent, fetched with charge and fee.
 * Applying them is the same `applyPaymentIntentFacts` the PaymentIntent events use, under the
 * same business keys (`<pi>:credit_grant`), so `checkout.session.completed` and
 * `payment_intent.succeeded` for one payment grant its credits once, in whichever order they land.
 * Null for sessions that are not ours, unpaid, or expired.
 */
export async function checkoutSessionFacts(
  ctx: PaymentsContext,
  event: Stripe.Event,
): Promise<PaymentIntentFacts | null> {
  if (!PAID.has(event.type)) return null;
  const session = event.data.object as Stripe.Checkout.Session;
  if (!session.metadata?.purchase_id || session.payment_status !== 'paid') return null;
  const piId = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
  if (!piId) return null;
  const pi = await fetchPaymentIntentFacts(ctx.stripe, piId);
  return pi.metadata.purchase_id ? pi : null;
}

/**
 * `checkout.session.expired` for one of our unpaid sessions (the customer left; Stripe expires a
 * session after 24 hours): the purchase it created becomes `canceled`, a final state, so recovery
 * stops asking the PSP about it. Null for anything else.
 */
export function expiredCheckoutPurchase(event: Stripe.Event): string | null {
  if (event.type !== 'checkout.session.expired') return null;
  const session = event.data.object as Stripe.Checkout.Session;
  return session.payment_status === 'unpaid' ? (session.metadata?.purchase_id ?? null) : null;
}

/** Only a purchase nobody started paying is canceled; one with a PaymentIntent is the PaymentIntent's to settle. */
export async function cancelExpiredCheckout(tx: Tx, purchaseId: string): Promise<'canceled' | 'unchanged'> {
  if (!UUID.test(purchaseId)) return 'unchanged';
  const done = await tx
    .update(creditPurchases)
    .set({ status: 'canceled', failureCode: 'checkout_expired', updatedAt: sql`now()` })
    .where(
      and(
        eq(creditPurchases.id, purchaseId),
        inArray(creditPurchases.status, ['created', 'requires_payment_method']),
        isNull(creditPurchases.paymentIntentId),
      ),
    )
    .returning({ id: creditPurchases.id });
  return done.length ? 'canceled' : 'unchanged';
}
