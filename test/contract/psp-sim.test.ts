/** The PSP simulator against the real Stripe SDK: shapes, idempotency rules, faults, signatures. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startPspSim, stripeFee, type PspSim } from '../support/psp-sim/index.ts';
import { parseStripeForm } from '../support/psp-sim/form.ts';
import { createStripe } from '../../backend/src/payments/psp.ts';

let sim: PspSim;
let stripe: Stripe;
const received: { body: string; signature: string }[] = [];
beforeAll(async () => {
  sim = await startPspSim({
    webhookSecret: 'whsec_contract',
    webhookUrl: 'http://receiver.test/hook',
    deliver: async (_url, body, headers) => {
      received.push({ body, signature: headers['stripe-signature'] });
      return { status: 200 };
    },
  });
  stripe = createStripe({ STRIPE_SECRET_KEY: 'sk_test_contract', STRIPE_API_BASE: sim.url })!;
});
afterAll(async () => {
  await sim?.close();
});

const create = (key: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) =>
  stripe.paymentIntents.create(
    {
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      metadata: { purchase_id: key },
      ...extra,
    },
    { idempotencyKey: key },
  );

describe('PSP simulator speaks Stripe', () => {
  it('parses the SDK form encoding', () => {
    expect(parseStripeForm('amount=5&metadata[a]=1&metadata[b]=x%20y&expand[0]=latest_charge&expand[1]=z')).toEqual({
      amount: '5',
      metadata: { a: '1', b: 'x y' },
      expand: ['latest_charge', 'z'],
    });
  });

  it('charges pm_card_visa with a Stripe-like fee and declines pm_card_chargeDeclined', async () => {
    const pi = await create('c-visa');
    expect(pi.status).toBe('succeeded');
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['balance_transaction'] });
    const bt = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(bt.fee).toBe(stripeFee(2000));
    expect(bt.fee).toBe(88); // 2.9% of $20 + 30¢
    expect(bt.net).toBe(2000 - 88);
    await expect(create('c-declined', { payment_method: 'pm_card_chargeDeclined' })).rejects.toBeInstanceOf(
      Stripe.errors.StripeCardError,
    );
  });

  it('replays the same key, refuses a changed request with idempotency_error', async () => {
    const a = await create('idem-1');
    const b = await create('idem-1');
    expect(b.id).toBe(a.id);
    const err = await create('idem-1', { amount: 2001 }).catch((e) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(err.statusCode).toBe(400);
  });

  it('answers 409 while the first request with a key is in flight', async () => {
    sim.faults.delayMs = 1000;
    const raw = (body: string) =>
      fetch(`${sim.url}/v1/payment_intents`, {
        method: 'POST',
        body,
        headers: {
          authorization: 'Bearer sk_test_x',
          'idempotency-key': 'inflight',
          'content-type': 'application/x-www-form-urlencoded',
        },
      });
    const calls0 = sim.state.stats.apiCalls;
    const first = raw('amount=1000&currency=usd');
    // The simulator registers the key synchronously once it counts the call, before the delay.
    while (sim.state.stats.apiCalls === calls0) await new Promise((r) => setTimeout(r, 5));
    sim.faults.delayMs = 0;
    const second = await raw('amount=1000&currency=usd');
    expect(second.status).toBe(409);
    expect((await second.json()).error.type).toBe('idempotency_error');
    expect((await first).status).toBe(200);
  });

  it('refuses keys that are not sk_test_', async () => {
    const res = await fetch(`${sim.url}/v1/payment_intents`, { headers: { authorization: 'Bearer sk_live_nope' } });
    expect(res.status).toBe(401);
  });

  it('lists, searches and paginates like Stripe', async () => {
    const found = await stripe.paymentIntents.search({ query: "metadata['purchase_id']:'c-visa'" });
    expect(found.data).toHaveLength(1);
    const all: string[] = [];
    for await (const pi of stripe.paymentIntents.list({ limit: 1 })) all.push(pi.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(sim.state.ofType('payment_intent').length);
  });

  it('refunds partially, then refuses more than what is left', async () => {
    const pi = await create('refundable');
    await stripe.refunds.create({ payment_intent: pi.id, amount: 1500 });
    const err = await stripe.refunds.create({ payment_intent: pi.id, amount: 501 }).catch((e) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const list = await stripe.refunds.list({ payment_intent: pi.id });
    expect(list.data.map((r) => r.amount)).toEqual([1500]);
  });

  it('signs webhooks so that the SDK verifies them', async () => {
    await sim.webhooksIdle();
    expect(received.length).toBeGreaterThan(0);
    for (const r of received) {
      const evt = await stripe.webhooks.constructEventAsync(r.body, r.signature, 'whsec_contract', 300);
      expect(evt.object).toBe('event');
    }
    await expect(
      stripe.webhooks.constructEventAsync(received[0].body, received[0].signature, 'whsec_other', 300),
    ).rejects.toThrow();
  });
});
