import { type Obj, type SimState, StripeApiError, invalid, newId } from './state.ts';

/** Stripe's default: a Checkout Session can be paid for 24 hours. */
const CHECKOUT_SESSION_TTL_SECONDS = 24 * 60 * 60;

/**
 * Stripe's test card numbers and what the hosted page does with each (stripe.com/docs/testing).
 * A decline keeps the session open, so the customer can try another card, as on Stripe.
 */
export type CardOutcome = { kind: 'pay'; paymentMethod: string } | { kind: 'authenticate' };
const TEST_CARDS: Record<string, CardOutcome> = {
  '4242424242424242': { kind: 'pay', paymentMethod: 'pm_card_visa' },
  '5555555555554444': { kind: 'pay', paymentMethod: 'pm_card_mastercard' },
  '4000000000000002': { kind: 'pay', paymentMethod: 'pm_card_chargeDeclined' },
  '4000000000009995': { kind: 'pay', paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds' },
  '4000002500003155': { kind: 'authenticate' },
};
export const cardOutcome = (digits: string): CardOutcome | undefined => TEST_CARDS[digits];

/** Stripe's message when 3D Secure fails or is abandoned. */
const AUTHENTICATION_FAILED =
  'We are unable to authenticate your payment method. Please choose a different payment method and try again.';

export type PayResult = { kind: 'paid'; redirect: string } | { kind: 'declined'; message: string };

/**
 * Checkout Sessions (mode `payment`) on the simulator's books: the REST side the SDK calls and the
 * payment steps the stand-in hosted page drives. The PaymentIntent is created when the customer
 * first pays (as with API versions since 2022-08-01, `payment_intent` is null until then), and the
 * same one is reused by every further attempt, so a session charges at most once.
 */
export class CheckoutSessions {
  created = 0;
  constructor(
    private readonly state: SimState,
    private readonly pageBase: () => string,
  ) {}

  create(p: Record<string, unknown>, req: { idempotencyKey?: string }): Obj {
    if (p.mode !== 'payment') throw invalid('Only `mode=payment` is simulated.', 'mode');
    for (const k of ['success_url', 'cancel_url'] as const)
      if (typeof p[k] !== 'string' || !/^https?:\/\//.test(p[k] as string))
        throw invalid(`Not a valid URL: ${k}`, k, 'url_invalid');
    const items = p.line_items;
    if (!Array.isArray(items) || items.length === 0)
      throw invalid('Missing required param: line_items.', 'line_items', 'parameter_missing');
    let total = 0;
    let currency: string | undefined;
    for (const [i, raw] of items.entries()) {
      const item = raw as { price_data?: Record<string, unknown>; quantity?: string };
      const pd = item.price_data;
      const unit = Number(pd?.unit_amount);
      const qty = Number(item.quantity ?? 1);
      if (!pd || !Number.isInteger(unit) || unit < 0 || typeof pd.currency !== 'string')
        throw invalid('Each line item needs price_data with currency and unit_amount.', `line_items[${i}][price_data]`);
      if (!Number.isInteger(qty) || qty < 1) throw invalid('Invalid quantity.', `line_items[${i}][quantity]`);
      currency ??= pd.currency.toLowerCase();
      total += unit * qty;
    }
    if (total < 50)
      throw invalid('The Checkout Session total must be at least 50 cents.', 'line_items', 'amount_too_small');
    const id = newId('cs_test');
    const piData = (p.payment_intent_data ?? {}) as { metadata?: Record<string, string>; description?: string };
    const session: Obj = {
      id,
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_subtotal: total,
      amount_total: total,
      currency,
      created: this.state.now(),
      expires_at: Number(p.expires_at ?? this.state.now() + CHECKOUT_SESSION_TTL_SECONDS),
      client_reference_id: p.client_reference_id ?? null,
      customer_email: p.customer_email ?? null,
      metadata: (p.metadata as Record<string, string>) ?? {},
      payment_intent: null,
      success_url: p.success_url,
      cancel_url: p.cancel_url,
      url: `${this.pageBase()}/c/pay/${id}`,
      livemode: false,
      // Kept for the PaymentIntent created at payment time; Stripe does not echo it either.
      _payment_intent_data: piData,
      _line_items: items,
    };
    this.state.objects.set(id, session);
    this.created++;
    void req;
    return this.view(session);
  }

  /** The session as the API shows it (without the simulator's private fields). */
  view(session: Obj): Obj {
    this.expireIfDue(session);
    const { _payment_intent_data: _a, _line_items: _b, ...shown } = session;
    return structuredClone(shown) as Obj;
  }

  retrieve(id: string): Obj {
    return this.view(this.state.get(id, 'checkout.session'));
  }

  /** POST /v1/checkout/sessions/:id/expire: only an open session can be expired. */
  expire(id: string): Obj {
    const s = this.state.get(id, 'checkout.session');
    if (s.status !== 'open')
      throw invalid(`Only Checkout Sessions with a status in ["open"] can be expired.`, undefined, 'session_not_open');
    this.close(s, 'expired');
    return this.view(s);
  }

  session(id: string): Obj | undefined {
    const s = this.state.objects.get(id);
    if (s?.object !== 'checkout.session') return undefined;
    this.expireIfDue(s);
    return s;
  }

  /** The customer paid with a test card: confirm the session's one PaymentIntent. */
  pay(s: Obj, paymentMethod: string): PayResult {
    const pi = this.paymentIntent(s);
    try {
      this.state.confirmPaymentIntent(pi.id, { payment_method: paymentMethod }, {});
    } catch (e) {
      if (e instanceof StripeApiError && e.status === 402) return { kind: 'declined', message: String(e.body.message) };
      throw e;
    }
    s.status = 'complete';
    s.payment_status = 'paid';
    s.url = null;
    this.state.event('checkout.session.completed', this.view(s));
    return { kind: 'paid', redirect: this.successUrl(s) };
  }

  /** A card that needs 3D Secure: the PaymentIntent waits in `requires_action`. */
  requireAction(s: Obj): void {
    const pi = this.paymentIntent(s);
    pi.status = 'requires_action';
    pi.next_action = { type: 'use_stripe_sdk' };
    this.state.event('payment_intent.requires_action', pi);
  }

  /** The customer failed (or abandoned) authentication: nothing is charged, the session stays open. */
  failAuthentication(s: Obj): PayResult {
    const pi = this.paymentIntent(s);
    pi.status = 'requires_payment_method';
    pi.next_action = null;
    pi.last_payment_error = {
      type: 'invalid_request_error',
      code: 'payment_intent_authentication_failure',
      message: AUTHENTICATION_FAILED,
    };
    this.state.event('payment_intent.payment_failed', pi);
    return { kind: 'declined', message: AUTHENTICATION_FAILED };
  }

  paymentIntentStatus(s: Obj): string | null {
    return s.payment_intent ? String(this.state.get(String(s.payment_intent), 'payment_intent').status) : null;
  }

  successUrl(s: Obj): string {
    return String(s.success_url).replaceAll('{CHECKOUT_SESSION_ID}', s.id);
  }

  private paymentIntent(s: Obj): Obj {
    if (s.payment_intent) return this.state.get(String(s.payment_intent), 'payment_intent');
    const data = s._payment_intent_data as { metadata?: Record<string, string>; description?: string };
    const pi = this.state.createPaymentIntent(
      { amount: s.amount_total, currency: s.currency, metadata: data.metadata ?? {}, description: data.description },
      {},
    );
    s.payment_intent = pi.id;
    return pi;
  }

  private expireIfDue(s: Obj): void {
    if (s.status === 'open' && Number(s.expires_at) <= this.state.now()) this.close(s, 'expired');
  }

  private close(s: Obj, status: 'expired'): void {
    s.status = status;
    s.url = null;
    this.state.event('checkout.session.expired', this.view(s));
  }
}
