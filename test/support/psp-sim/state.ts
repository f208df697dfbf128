import { randomBytes } from 'node:crypto';

/** Stripe's US card pricing, which the simulator charges like Stripe: 2.9% + 30¢. */
const FEE_PERCENT = 0.029;
const FEE_FIXED_CENTS = 30;
export function stripeFee(amount: number): number {
  return Math.round(amount * FEE_PERCENT) + FEE_FIXED_CENTS;
}

/** Test payment methods that fail like Stripe's; every other `pm_…` succeeds. */
const DECLINES: Record<string, { code: string; decline_code: string; message: string }> = {
  pm_card_chargeDeclined: {
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined.',
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
};

export type Obj = Record<string, unknown> & { id: string; created: number };
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}
export function invalid(message: string, param?: string, code?: string): StripeApiError {
  return new StripeApiError(400, { type: 'invalid_request_error', message, param, code });
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
}

export interface SimStats {
  apiCalls: number;
  paymentIntentsCreated: number;
  /** Successful charges: the number that must never exceed one per purchase. */
  chargesSucceeded: number;
  chargesFailed: number;
  refundsCreated: number;
  idempotentReplays: number;
  webhookAttempts: number;
  webhooksDelivered: number;
}

/** The simulator's books: PaymentIntents, charges, refunds, balance transactions, events. */
export class SimState {
  readonly objects = new Map<string, Obj>();
  readonly events: Obj[] = [];
  readonly stats: SimStats = {
    apiCalls: 0,
    paymentIntentsCreated: 0,
    chargesSucceeded: 0,
    chargesFailed: 0,
    refundsCreated: 0,
    idempotentReplays: 0,
    webhookAttempts: 0,
    webhooksDelivered: 0,
  };
  constructor(private readonly emit: (event: Obj) => void) {}

  now(): number {
    return Math.floor(Date.now() / 1000);
  }

  ofType(object: string): Obj[] {
    return [...this.objects.values()].filter((o) => o.object === object);
  }

  get(id: string, object: string): Obj {
    const o = this.objects.get(id);
    if (!o || o.object !== object)
      throw new StripeApiError(404, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: `No such ${object}: '${id}'`,
        param: 'id',
      });
    return o;
  }

  /** Records an event and hands it to the webhook sender (checkout.ts emits its own too). */
  event(type: string, object: Obj, request: { idempotencyKey?: string } = {}) {
    const evt: Obj = {
      id: newId('evt'),
      object: 'event',
      api_version: '2025-01-27.acacia',
      created: this.now(),
      type,
      livemode: false,
      pending_webhooks: 1,
      data: { object: structuredClone(object) },
      request: { id: newId('req'), idempotency_key: request.idempotencyKey ?? null },
    };
    this.events.push(evt);
    this.emit(evt);
  }

  createPaymentIntent(p: Record<string, unknown>, req: { idempotencyKey?: string }): Obj {
    const amount = Number(p.amount);
    if (!Number.isInteger(amount) || amount < 50)
      throw invalid('Amount must be at least 50 cents', 'amount', 'amount_too_small');
    if (typeof p.currency !== 'string')
      throw invalid('Missing required param: currency.', 'currency', 'parameter_missing');
    const id = newId('pi');
    const pi: Obj = {
      id,
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency: p.currency.toLowerCase(),
      created: this.now(),
      client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`,
      status: p.payment_method ? 'requires_confirmation' : 'requires_payment_method',
      payment_method: p.payment_method ?? null,
      latest_charge: null,
      last_payment_error: null,
      livemode: false,
      metadata: (p.metadata as Record<string, string>) ?? {},
      description: p.description ?? null,
      capture_method: 'automatic',
      confirmation_method: 'automatic',
    };
    this.objects.set(id, pi);
    this.stats.paymentIntentsCreated++;
    this.event('payment_intent.created', pi, req);
    if (p.confirm === 'true') this.confirm(pi, p, req);
    return pi;
  }

  confirmPaymentIntent(id: string, p: Record<string, unknown>, req: { idempotencyKey?: string }): Obj {
    const pi = this.get(id, 'payment_intent');
    if (pi.status === 'succeeded' || pi.status === 'canceled') {
      throw invalid(
        `This PaymentIntent's status is ${pi.status}, so it cannot be confirmed.`,
        undefined,
        'payment_intent_unexpected_state',
      );
    }
    this.confirm(pi, p, req);
    return pi;
  }

  private confirm(pi: Obj, p: Record<string, unknown>, req: { idempotencyKey?: string }) {
    const pm = String(p.payment_method ?? pi.payment_method ?? '');
    if (!pm)
      throw invalid(
        'You must provide a payment_method to confirm this PaymentIntent.',
        'payment_method',
        'payment_intent_unexpected_state',
      );
    pi.payment_method = pm;
    const decline = DECLINES[pm];
    const charge: Obj = {
      id: newId('ch'),
      object: 'charge',
      amount: pi.amount,
      amount_refunded: 0,
      amount_captured: decline ? 0 : pi.amount,
      currency: pi.currency,
      payment_intent: pi.id,
      payment_method: pm,
      created: this.now(),
      status: decline ? 'failed' : 'succeeded',
      paid: !decline,
      refunded: false,
      captured: !decline,
      balance_transaction: null,
      failure_code: decline?.code ?? null,
      metadata: pi.metadata,
    };
    this.objects.set(charge.id, charge);
    pi.latest_charge = charge.id;
    if (decline) {
      this.stats.chargesFailed++;
      pi.status = 'requires_payment_method';
      pi.last_payment_error = { type: 'card_error', ...decline, charge: charge.id };
      this.event('charge.failed', charge, req);
      this.event('payment_intent.payment_failed', pi, req);
      throw new StripeApiError(402, {
        type: 'card_error',
        ...decline,
        charge: charge.id,
        payment_intent: structuredClone(pi),
      });
    }
    const amount = pi.amount as number;
    const fee = stripeFee(amount);
    const bt = this.balanceTransaction(amount, fee, 'charge', charge.id, pi.currency as string);
    charge.balance_transaction = bt.id;
    pi.status = 'succeeded';
    pi.amount_received = amount;
    this.stats.chargesSucceeded++;
    this.event('charge.succeeded', charge, req);
    this.event('payment_intent.succeeded', pi, req);
  }

  private balanceTransaction(amount: number, fee: number, type: string, source: string, currency: string): Obj {
    const bt: Obj = {
      id: newId('txn'),
      object: 'balance_transaction',
      amount,
      fee,
      net: amount - fee,
      currency,
      type,
      source,
      status: 'available',
      created: this.now(),
      fee_details: fee ? [{ amount: fee, currency, type: 'stripe_fee', description: 'Stripe processing fees' }] : [],
    };
    this.objects.set(bt.id, bt);
    return bt;
  }

  createRefund(p: Record<string, unknown>, req: { idempotencyKey?: string }): Obj {
    let charge: Obj;
    if (typeof p.payment_intent === 'string') {
      const pi = this.get(p.payment_intent, 'payment_intent');
      if (pi.status !== 'succeeded' || !pi.latest_charge)
        throw invalid(
          `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
          'payment_intent',
          'charge_not_refundable',
        );
      charge = this.get(pi.latest_charge as string, 'charge');
    } else if (typeof p.charge === 'string') {
      charge = this.get(p.charge, 'charge');
    } else throw invalid('One of `charge` or `payment_intent` is required.', 'payment_intent', 'parameter_missing');
    const remaining = (charge.amount as number) - (charge.amount_refunded as number);
    if (remaining <= 0)
      throw invalid(`Charge ${charge.id} has already been refunded.`, 'charge', 'charge_already_refunded');
    const amount = p.amount === undefined ? remaining : Number(p.amount);
    if (!Number.isInteger(amount) || amount <= 0) throw invalid('Invalid positive integer', 'amount');
    if (amount > remaining)
      throw invalid(
        `Refund amount ($${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${(remaining / 100).toFixed(2)})`,
        'amount',
        'amount_too_large',
      );
    const bt = this.balanceTransaction(-amount, 0, 'refund', '', charge.currency as string);
    const refund: Obj = {
      id: newId('re'),
      object: 'refund',
      amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      status: 'succeeded',
      reason: p.reason ?? null,
      balance_transaction: bt.id,
      created: this.now(),
      metadata: (p.metadata as Record<string, string>) ?? {},
    };
    bt.source = refund.id;
    this.objects.set(refund.id, refund);
    charge.amount_refunded = (charge.amount_refunded as number) + amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    this.stats.refundsCreated++;
    this.event('refund.created', refund, req);
    this.event('charge.refunded', charge, req);
    return refund;
  }

  /** Replaces id strings by their objects along dotted `expand` paths. */
  expand(obj: Obj, paths: string[]): Obj {
    const out = structuredClone(obj);
    for (const path of paths) {
      let node: Record<string, unknown> = out;
      for (const key of path.split('.')) {
        const v = node[key];
        if (typeof v === 'string' && this.objects.has(v)) node[key] = structuredClone(this.objects.get(v));
        const next = node[key];
        if (!next || typeof next !== 'object') break;
        node = next as Record<string, unknown>;
      }
    }
    return out;
  }
}
