import type Stripe from 'stripe';
import { fetchPaymentIntentFacts, type PaymentIntentFacts } from '../payments/facts.ts';
import type { PaymentsContext } from '../payments/context.ts';

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
