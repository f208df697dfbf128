/** The simulator's Checkout Sessions against the real Stripe SDK: shapes, idempotency, the hosted page's test cards. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startPspSim, type PspSim } from '../support/psp-sim/index.ts';
import { createStripe } from '../../backend/src/payments/psp.ts';

let sim: PspSim;
let stripe: Stripe;
const events: string[] = [];
beforeAll(async () => {
  sim = await startPspSim({
    webhookUrl: 'http://receiver.test/hook',
    deliver: async (_url, body) => {
      events.push((JSON.parse(body) as { type: string }).type);
      return { status: 200 };
    },
  });
  stripe = createStripe({ STRIPE_SECRET_KEY: 'sk_test_contract', STRIPE_API_BASE: sim.url })!;
});
afterAll(async () => {
  await sim?.close();
});

const params = (ref: string): Stripe.Checkout.SessionCreateParams => ({
  mode: 'payment',
  line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 999, product_data: { name: 'Starter' } } }],
  client_reference_id: ref,
  metadata: { purchase_id: ref },
  payment_intent_data: { metadata: { purchase_id: ref } },
  success_url: 'https://shop.test/return?session_id={CHECKOUT_SESSION_ID}',
  cancel_url: 'https://shop.test/cancel',
});

const pay = (url: string, card: string) =>
  fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ card_number: card, expiry: '01/40', cvc: '123' }).toString(),
  });

describe('Checkout Sessions in the simulator', () => {
  it("create has Stripe's shape; the same key replays, changed parameters are an idempotency error", async () => {
    const a = await stripe.checkout.sessions.create(params('p1'), { idempotencyKey: 'cs-k1' });
    expect(a).toMatchObject({
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 999,
      currency: 'usd',
      payment_intent: null,
      client_reference_id: 'p1',
      metadata: { purchase_id: 'p1' },
    });
    expect(a.id).toMatch(/^cs_test_/);
    expect(a.url).toBe(`${sim.url}/c/pay/${a.id}`);
    const again = await stripe.checkout.sessions.create(params('p1'), { idempotencyKey: 'cs-k1' });
    expect(again.id).toBe(a.id);
    await expect(stripe.checkout.sessions.create(params('p2'), { idempotencyKey: 'cs-k1' })).rejects.toBeInstanceOf(
      Stripe.errors.StripeIdempotencyError,
    );
    await expect(
      stripe.checkout.sessions.create({ ...params('p3'), success_url: 'not a url' }, { idempotencyKey: 'cs-k3' }),
    ).rejects.toMatchObject({ param: 'success_url' });
  });

  it('the hosted page: decline keeps it open and charges nothing; 4242 pays once and redirects with the id', async () => {
    const s = await stripe.checkout.sessions.create(params('p4'), { idempotencyKey: 'cs-k4' });
    const declined = await pay(s.url!, '4000000000000002');
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('Your card was declined.');
    expect((await stripe.checkout.sessions.retrieve(s.id)).status).toBe('open');
    const charges = sim.state.stats.chargesSucceeded;
    const paid = await pay(s.url!, '4242424242424242');
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`https://shop.test/return?session_id=${s.id}`);
    expect((await pay(s.url!, '4242424242424242')).status).toBe(303);
    expect(sim.state.stats.chargesSucceeded).toBe(charges + 1);
    const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['payment_intent'] });
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid', url: null });
    const pi = done.payment_intent as Stripe.PaymentIntent;
    expect(pi).toMatchObject({ status: 'succeeded', amount: 999, metadata: { purchase_id: 'p4' } });
    await sim.webhooksIdle();
    expect(events).toEqual(
      expect.arrayContaining([
        'payment_intent.payment_failed',
        'payment_intent.succeeded',
        'checkout.session.completed',
      ]),
    );
  });

  it('expire closes an open session; an expired page says so', async () => {
    const s = await stripe.checkout.sessions.create(params('p5'), { idempotencyKey: 'cs-k5' });
    const expired = await stripe.checkout.sessions.expire(s.id);
    expect(expired).toMatchObject({ status: 'expired', url: null });
    expect((await fetch(s.url!)).status).toBe(410);
    await expect(stripe.checkout.sessions.expire(s.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });
});
