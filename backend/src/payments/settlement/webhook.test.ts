import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import Stripe from 'stripe';
import { sql } from 'drizzle-orm';
import {
  createPaymentsHarness,
  TEST_WEBHOOK_SECRET,
  type PaymentsHarness,
} from '../../../../test/support/psp-sim/harness.ts';
import { stripeSignature } from '../../../../test/support/psp-sim/index.ts';
import { unbalancedTransactions } from '../../ledger/balance.ts';

let h: PaymentsHarness;
beforeAll(async () => {
  h = await createPaymentsHarness();
});
afterAll(async () => {
  await h?.close();
});

const rows = <T>(r: unknown) => (r as { rows?: T[] }).rows ?? (r as T[]);
const count = async (q: ReturnType<typeof sql>) => Number(rows<{ n: number }>(await h.t.deps.db.execute(q))[0].n);
const balance = async (token: string) => (await (await h.t.request('/api/credits/balance', { token })).json()).credits;

function post(body: string, signature: string) {
  return h.t.request('/webhooks/stripe', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
  });
}

/** A real event from the simulator, captured while webhooks are held. */
async function heldPurchase(key: string) {
  const u = await h.user();
  h.sim.faults.holdWebhooks = true;
  const res = await h.purchase(u.token, key, { package_id: 'starter-100', payment_method: 'pm_card_visa' });
  expect(res.status).toBe(201);
  const { id, payment_intent_id } = await res.json();
  return { u, purchaseId: id as string, pi: payment_intent_id as string };
}

describe('POST /webhooks/stripe', () => {
  it('signs like the Stripe SDK (generateTestHeaderString) and the SDK verifies it', async () => {
    const payload = JSON.stringify({ id: 'evt_x', object: 'event' });
    const t = Math.floor(Date.now() / 1000);
    const ours = stripeSignature(payload, TEST_WEBHOOK_SECRET, t);
    const sdk = await Stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: TEST_WEBHOOK_SECRET,
      timestamp: t,
    });
    expect(ours).toBe(sdk);
  });

  it('a bad signature → 400, nothing written', async () => {
    const events0 = await count(sql`select count(*) as n from webhook_events`);
    const evt = JSON.stringify({
      id: 'evt_forged',
      object: 'event',
      type: 'payment_intent.succeeded',
      data: {
        object: {
          id: 'pi_forged',
          object: 'payment_intent',
          status: 'succeeded',
          amount: 999,
          currency: 'usd',
          metadata: {},
        },
      },
    });
    const wrongSecret = await post(evt, stripeSignature(evt, 'whsec_not_the_secret'));
    expect(wrongSecret.status).toBe(400);
    expect((await wrongSecret.json()).code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const tampered = await post(evt.replace('999', '1'), stripeSignature(evt, TEST_WEBHOOK_SECRET));
    expect(tampered.status).toBe(400);
    const missing = await h.t.request('/webhooks/stripe', {
      method: 'POST',
      body: evt,
      headers: { 'content-type': 'application/json' },
    });
    expect(missing.status).toBe(400);
    expect(await count(sql`select count(*) as n from webhook_events`)).toBe(events0);
  });

  it('an old timestamp (beyond 300 s) → 400, nothing written; within tolerance → accepted', async () => {
    const { u, pi } = await heldPurchase('wh-old');
    const evt = h.sim.state.events.find(
      (e) => e.type === 'payment_intent.succeeded' && (e.data as { object: { id: string } }).object.id === pi,
    )!;
    const body = JSON.stringify(evt);
    const old = await post(body, stripeSignature(body, TEST_WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 301));
    expect(old.status).toBe(400);
    expect(await count(sql`select count(*) as n from webhook_events where id = ${evt.id}`)).toBe(0);
    expect(await balance(u.token)).toBe(0);
    const ok = await post(body, stripeSignature(body, TEST_WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 200));
    expect(ok.status).toBe(200);
    expect(await balance(u.token)).toBe(100);
    h.sim.faults.holdWebhooks = false;
    await h.sim.flushWebhooks();
  });

  it('duplicate delivery (twice, and concurrently) is applied once', async () => {
    const { u, pi } = await heldPurchase('wh-dup');
    h.sim.faults.holdWebhooks = false;
    h.sim.faults.duplicateWebhooks = true;
    const evt = h.sim.state.events.find(
      (e) => e.type === 'payment_intent.succeeded' && (e.data as { object: { id: string } }).object.id === pi,
    )!;
    const body = JSON.stringify(evt);
    const sig = stripeSignature(body, TEST_WEBHOOK_SECRET);
    const results = await Promise.all([post(body, sig), post(body, sig), post(body, sig)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await h.sim.flushWebhooks();
    h.sim.faults.duplicateWebhooks = false;
    expect(await balance(u.token)).toBe(100);
    expect(await count(sql`select count(*) as n from webhook_events where id = ${evt.id}`)).toBe(1);
    expect((evt.data as { object: { client_secret?: string } }).object.client_secret).toBeTruthy();
    expect(
      await count(
        sql`select count(*) as n from webhook_events where id = ${evt.id} and payload->'data'->'object' ? 'client_secret'`,
      ),
    ).toBe(0);
    expect(await count(sql`select count(*) as n from ledger_transactions where business_key like ${pi + ':%'}`)).toBe(
      3,
    );
  });

  it('redeliveries while the first delivery is still being handled wait for it: one transaction, not three (issue 16)', async () => {
    const { u, pi } = await heldPurchase('wh-coalesce');
    const evt = h.sim.state.events.find(
      (e) => e.type === 'payment_intent.succeeded' && (e.data as { object: { id: string } }).object.id === pi,
    )!;
    const body = JSON.stringify(evt);
    const sig = stripeSignature(body, TEST_WEBHOOK_SECRET);
    const attempts = vi.spyOn(h.t.deps.db, 'transaction');
    const results = await Promise.all([post(body, sig), post(body, sig), post(body, sig)]);
    const transactions = attempts.mock.calls.length;
    attempts.mockRestore();
    h.sim.faults.holdWebhooks = false;
    await h.sim.flushWebhooks();
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(transactions).toBe(1);
    expect(await balance(u.token)).toBe(100);
    expect(await count(sql`select count(*) as n from webhook_events where id = ${evt.id}`)).toBe(1);
  });

  it('out of order: the refund events before the success converge to the same state', async () => {
    const { u, purchaseId, pi } = await heldPurchase('wh-order');
    // Refund through the PSP directly (as from the Stripe dashboard) while our webhooks are held.
    const stripe = new Stripe('sk_test_dashboard', {
      host: new URL(h.sim.url).hostname,
      port: Number(new URL(h.sim.url).port),
      protocol: 'http',
    });
    await stripe.refunds.create({ payment_intent: pi, amount: 500 });
    h.sim.faults.reorderWebhooks = true;
    h.sim.faults.holdWebhooks = false;
    await h.sim.flushWebhooks(); // delivered newest first: charge.refunded, refund.created, …, payment_intent.succeeded
    h.sim.faults.reorderWebhooks = false;
    const p = await (await h.t.request(`/api/credits/purchases/${purchaseId}`, { token: u.token })).json();
    expect(p.status).toBe('succeeded');
    expect(p.refunds).toHaveLength(1);
    expect(p.refunds[0]).toMatchObject({ status: 'succeeded', amount_cents: 500 });
    // 100 credits for 999 cents, 500 cents refunded → floor(100 × 500 / 999) = 50 taken back.
    expect(await balance(u.token)).toBe(50);
    expect(await unbalancedTransactions(h.t.deps.db)).toEqual([]);
  });

  it('a stale payment_intent.created delivered after the failure does not undo it', async () => {
    const u = await h.user();
    h.sim.faults.holdWebhooks = true;
    const res = await h.purchase(u.token, 'wh-stale', {
      package_id: 'starter-100',
      payment_method: 'pm_card_chargeDeclined',
    });
    expect(res.status).toBe(402);
    const { purchase_id } = await res.json();
    h.sim.faults.reorderWebhooks = true; // newest first: payment_failed, charge.failed, then created
    h.sim.faults.holdWebhooks = false;
    await h.sim.flushWebhooks();
    h.sim.faults.reorderWebhooks = false;
    const p = await (await h.t.request(`/api/credits/purchases/${purchase_id}`, { token: u.token })).json();
    expect(p.status).toBe('failed');
    expect(await balance(u.token)).toBe(0);
  });

  it('events for objects that are not ours are stored and ignored', async () => {
    const evt = JSON.stringify({
      id: 'evt_foreign',
      object: 'event',
      type: 'customer.created',
      data: { object: { id: 'cus_1', object: 'customer' } },
    });
    const res = await post(evt, stripeSignature(evt, TEST_WEBHOOK_SECRET));
    expect(res.status).toBe(200);
    expect((await res.json()).outcome).toBe('ignored');
  });
});
