import type { Purchase } from './settlement/4-apply-payment-intent.ts';
import type { Refund } from './settlement/5-apply-refund.ts';

/** Statuses where the client still has to act with Stripe.js, so it needs the client secret. */
const NEEDS_CLIENT = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action']);

export function purchaseJson(p: Purchase, refunds?: Refund[]) {
  return {
    id: p.id,
    status: p.status,
    package_id: p.packageId,
    amount_cents: p.amountCents,
    currency: p.currency,
    credits: p.credits,
    /** True once the ledger holds the credit grant (only a verified webhook or recovery sets it). */
    credits_granted: p.status === 'succeeded',
    payment_intent_id: p.paymentIntentId,
    client_secret: NEEDS_CLIENT.has(p.status) ? p.clientSecret : null,
    failure_code: p.failureCode,
    created_at: p.createdAt.toISOString(),
    ...(refunds ? { refunds: refunds.map(refundJson) } : {}),
  };
}

export function refundJson(r: Refund) {
  return {
    id: r.id,
    purchase_id: r.purchaseId,
    status: r.status,
    amount_cents: r.amountCents,
    credits_revoked: r.creditsRevoked,
    psp_refund_id: r.pspRefundId,
    created_at: r.createdAt.toISOString(),
  };
}
