import type Stripe from 'stripe';

/** What the PSP says about a PaymentIntent, reduced to what the ledger needs. */
export interface PaymentIntentFacts {
  id: string;
  status: Stripe.PaymentIntent.Status;
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  chargeId: string | null;
  /** The PSP fee from the charge's balance transaction; required to apply a success. */
  feeCents: number | null;
  failureCode: string | null;
}

export interface RefundFacts {
  id: string;
  status: string;
  amount: number;
  paymentIntentId: string | null;
  metadata: Record<string, string>;
}

/** Reads facts from a PaymentIntent whose `latest_charge.balance_transaction` may be expanded. */
export function paymentIntentFacts(pi: Stripe.PaymentIntent): PaymentIntentFacts {
  const charge = typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
  const bt = charge && typeof charge.balance_transaction === 'object' ? charge.balance_transaction : null;
  return {
    id: pi.id,
    status: pi.status,
    amount: pi.amount,
    currency: pi.currency,
    metadata: pi.metadata ?? {},
    chargeId: typeof pi.latest_charge === 'string' ? pi.latest_charge : (charge?.id ?? null),
    feeCents: bt ? bt.fee : null,
    failureCode: pi.last_payment_error?.decline_code ?? pi.last_payment_error?.code ?? null,
  };
}

export function refundFacts(r: Stripe.Refund): RefundFacts {
  return {
    id: r.id,
    status: r.status ?? 'pending',
    amount: r.amount,
    paymentIntentId: typeof r.payment_intent === 'string' ? r.payment_intent : (r.payment_intent?.id ?? null),
    metadata: (r.metadata ?? {}) as Record<string, string>,
  };
}

const EXPAND = ['latest_charge.balance_transaction'];

/** Retrieves a PaymentIntent with its charge and fee: the authoritative facts for recovery. */
export async function fetchPaymentIntentFacts(stripe: Stripe, id: string): Promise<PaymentIntentFacts> {
  return paymentIntentFacts(await stripe.paymentIntents.retrieve(id, { expand: EXPAND }));
}

/** Finds our PaymentIntent by the purchase id in its metadata (when its id was never stored). */
export async function searchPaymentIntentFacts(stripe: Stripe, purchaseId: string): Promise<PaymentIntentFacts[]> {
  const found = await stripe.paymentIntents.search({ query: `metadata['purchase_id']:'${purchaseId}'`, limit: 10 });
  return Promise.all(found.data.map((pi) => fetchPaymentIntentFacts(stripe, pi.id)));
}
