import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { webhookEvents } from '../../db/schema/webhooks.ts';
import { creditPurchases } from '../../db/schema/payments.ts';
import { readCommitted } from '../../idempotency/serializable.ts';
import { deferChain } from '../../ledger/chain.ts';
import { applyPaymentIntentFacts } from './4-apply-payment-intent.ts';
import { applyRefundFacts } from './5-apply-refund.ts';
import {
  fetchPaymentIntentFacts,
  paymentIntentFacts,
  refundFacts,
  type PaymentIntentFacts,
  type RefundFacts,
} from './3-facts.ts';
import type { PaymentsContext } from '../context.ts';
import { cancelExpiredCheckout, checkoutSessionFacts, expiredCheckoutPurchase } from './checkout-events.ts';

const REFUND_EVENTS = new Set(['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated']);

export type InboxOutcome = 'duplicate' | 'ignored' | string;

/** Facts an event needs, gathered from the PSP before the transaction (network stays outside it). */
interface Plan {
  pi?: PaymentIntentFacts;
  refunds: RefundFacts[];
  /** Our purchase whose Checkout Session expired unpaid. */
  expiredPurchaseId?: string;
}

async function purchaseSettled(ctx: PaymentsContext, piId: string): Promise<boolean> {
  const [p] = await ctx.db
    .select({ status: creditPurchases.status })
    .from(creditPurchases)
    .where(eq(creditPurchases.paymentIntentId, piId));
  return p?.status === 'succeeded';
}

async function plan(ctx: PaymentsContext, event: Stripe.Event): Promise<Plan | null> {
  const obj = event.data.object as unknown as Record<string, unknown>;
  if (event.type.startsWith('checkout.session.')) {
    const expiredPurchaseId = expiredCheckoutPurchase(event);
    if (expiredPurchaseId) return { refunds: [], expiredPurchaseId };
    const pi = await checkoutSessionFacts(ctx, event);
    return pi ? { pi, refunds: [] } : null;
  }
  if (event.type.startsWith('payment_intent.')) {
    let pi = paymentIntentFacts(obj as unknown as Stripe.PaymentIntent);
    // Every PaymentIntent we create names its purchase; anything else on the account is not ours.
    if (!pi.metadata.purchase_id) return null;
    // The event carries the charge id, not the fee: fetch the charge's balance transaction.
    if (pi.status === 'succeeded' && pi.feeCents === null) pi = await fetchPaymentIntentFacts(ctx.stripe, pi.id);
    return { pi, refunds: [] };
  }
  let refunds: RefundFacts[];
  if (REFUND_EVENTS.has(event.type)) refunds = [refundFacts(obj as unknown as Stripe.Refund)];
  else if (event.type === 'charge.refunded') {
    const piId = typeof obj.payment_intent === 'string' ? obj.payment_intent : null;
    if (!piId) return null;
    refunds = (await ctx.stripe.refunds.list({ payment_intent: piId, limit: 100 })).data.map(refundFacts);
  } else return null;
  const piId = refunds[0]?.paymentIntentId;
  // A refund can arrive before the success it refunds: then settle the purchase first, from the PSP.
  const pi = piId && !(await purchaseSettled(ctx, piId)) ? await fetchPaymentIntentFacts(ctx.stripe, piId) : undefined;
  return { pi, refunds };
}

/**
 * Handles one verified event: the inbox row (unique on the event id) and every effect commit in
 * one transaction, so a duplicate, concurrent or late delivery is a no-op and the state converges
 * whatever the order. READ COMMITTED (`readCommitted`): every effect is decided under the row lock
 * of its purchase and written under unique keys (a concurrent duplicate waits for the lock, then
 * sees the purchase settled; its inbox insert fails on the event id and the retry answers
 * `duplicate`), and the ledger writes are chained at the end, so the chain's lock is held from the
 * append to the commit only, across every process (ledger/chain.ts `deferChain`).
 * `requestId`: the delivery's, stored on the inbox row and on whatever its effects create (refund
 * rows, outbox messages).
 */
export function handleStripeEvent(
  ctx: PaymentsContext,
  event: Stripe.Event,
  requestId: string | null,
): Promise<InboxOutcome> {
  // A redelivery of an event this process is still handling (the PSP timed out waiting for it) waits
  // for that run instead of queueing a second transaction behind it: under a backlog, redeliveries
  // multiplied the queue they were caused by.
  let handling = inFlight.get(ctx.db);
  if (!handling) inFlight.set(ctx.db, (handling = new Map()));
  const running = handling.get(event.id);
  if (running) return running.then(() => 'duplicate');
  const run = handleOnce(ctx, event, requestId).finally(() => handling.delete(event.id));
  handling.set(event.id, run);
  return run;
}

/** Events being handled in this process, per database, by Stripe event id. */
const inFlight = new WeakMap<PaymentsContext['db'], Map<string, Promise<InboxOutcome>>>();

async function handleOnce(ctx: PaymentsContext, event: Stripe.Event, requestId: string | null): Promise<InboxOutcome> {
  const [seen] = await ctx.db
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(eq(webhookEvents.id, event.id));
  if (seen) return 'duplicate';
  const facts = await plan(ctx, event);
  const objectId = (event.data.object as { id?: string }).id ?? null;
  if (!facts) {
    // Nothing to apply (an event type we do not act on, or not our payment): the inbox row alone,
    // one statement, no transaction; the event id decides between a first and a repeated delivery.
    const [stored] = await ctx.db
      .insert(webhookEvents)
      .values({
        id: event.id,
        type: event.type,
        objectId,
        outcome: 'ignored',
        payload: storedPayload(event),
        requestId,
      })
      .onConflictDoNothing({ target: webhookEvents.id })
      .returning({ id: webhookEvents.id });
    return stored ? 'ignored' : 'duplicate';
  }
  return readCommitted(ctx.db, async (tx) => {
    const chain = deferChain(tx);
    const [again] = await tx.select({ id: webhookEvents.id }).from(webhookEvents).where(eq(webhookEvents.id, event.id));
    if (again) return 'duplicate';
    const outcomes: string[] = [];
    if (facts.pi) outcomes.push(`payment_intent:${await applyPaymentIntentFacts(tx, facts.pi, 'webhook', requestId)}`);
    for (const r of facts.refunds) outcomes.push(`refund:${await applyRefundFacts(tx, r, 'webhook', requestId)}`);
    if (facts.expiredPurchaseId) outcomes.push(`checkout:${await cancelExpiredCheckout(tx, facts.expiredPurchaseId)}`);
    const outcome = outcomes.length ? outcomes.join(',') : 'ignored';
    await tx
      .insert(webhookEvents)
      .values({ id: event.id, type: event.type, objectId, outcome, payload: storedPayload(event), requestId });
    // Last: the chain's lock is held from here to the commit only.
    await chain.append();
    return outcome;
  });
}

/** The event as stored in the inbox, minus the PaymentIntent's client secret (a bearer credential for the payment). */
function storedPayload(event: Stripe.Event): object {
  const copy = structuredClone(event) as unknown as { data: { object: Record<string, unknown> } };
  delete copy.data.object.client_secret;
  return copy;
}
