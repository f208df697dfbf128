import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createPaymentsHarness, type PaymentsHarness } from '../../../test/support/psp-sim/harness.ts';
import { unbalancedTransactions, accountBalance } from '../ledger/balance.ts';
import { stripeFee } from '../../../test/support/psp-sim/index.ts';

let h: PaymentsHarness;
beforeAll(async () => {
  h = await createPaymentsHarness();
});
afterAll(async () => {
  await h?.close();
});

const rows = <T>(r: unknown) => (r as { rows?: T[] }).rows ?? (r as T[]);
async function count(q: ReturnType<typeof sql>): Promise<number> {
  return Number(rows<{ n: number }>(await h.t.deps.db.execute(q))[0].n);
}

describe('purchase end to end: API → PaymentIntent → signed webhook → ledger', () => {
  it('lists the packages', async () => {
    const res = await h.t.request('/api/credits/packages');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.items.length).toBeGreaterThanOrEqual(3);
    expect(body.items[0]).toMatchObject({
      id: expect.any(String),
      credits: expect.any(Number),
      price_cents: expect.any(Number),
      currency: 'usd',
    });
  });

  it('requires an Idempotency-Key', async () => {
    const u = await h.user();
    const res = await h.purchase(u.token, undefined, { package_id: 'starter-100', payment_method: 'pm_card_visa' });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('IDEMPOTENCY_KEY_MISSING');
    const long = await h.purchase(u.token, 'k'.repeat(256), { package_id: 'starter-100' });
    expect(long.status).toBe(400);
  });

  it('buys credits: one PaymentIntent, credits granted from the webhook, ledger balanced', async () => {
    const u = await h.user();
    const before = h.sim.state.stats.chargesSucceeded;
    const res = await h.purchase(u.token, 'buy-1', { package_id: 'starter-100', payment_method: 'pm_card_visa' });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      package_id: 'starter-100',
      amount_cents: 999,
      credits: 100,
      payment_intent_id: expect.stringMatching(/^pi_/),
    });
    await h.sim.webhooksIdle();
    expect(h.sim.state.stats.chargesSucceeded).toBe(before + 1);
    const bal = await h.t.request('/api/credits/balance', { token: u.token });
    expect(await bal.json()).toEqual({ credits: 100 });
    const got = await (await h.t.request(`/api/credits/purchases/${body.id}`, { token: u.token })).json();
    expect(got).toMatchObject({ status: 'succeeded', credits_granted: true });
    const kinds = rows<{ kind: string }>(
      await h.t.deps.db.execute(sql`select kind from ledger_transactions where purchase_id = ${body.id} order by kind`),
    ).map((r) => r.kind);
    expect(kinds).toEqual(['credit_grant', 'psp_fee', 'purchase']);
    expect(await unbalancedTransactions(h.t.deps.db)).toEqual([]);
    expect(await accountBalance(h.t.deps.db, 'psp_fees')).toBeGreaterThanOrEqual(stripeFee(999));
  });

  // With the default 60 s lock timeout, as in production: losers see 409 or the replay.
  it('50 concurrent purchases with one key → one PaymentIntent, one charge, one ledger purchase', async () => {
    const u = await h.user();
    const pi0 = h.sim.state.stats.paymentIntentsCreated;
    const ch0 = h.sim.state.stats.chargesSucceeded;
    // Slow the PSP a little so the racers really overlap the first request's PSP call.
    h.sim.faults.delayMs = 50;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        h.purchase(u.token, 'race-50', { package_id: 'starter-100', payment_method: 'pm_card_visa' }),
      ),
    );
    h.sim.faults.delayMs = 0;
    const statuses = responses.map((r) => r.status);
    const created = responses.filter((r) => r.status === 201);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(created.length).toBeGreaterThanOrEqual(1);
    const conflicts = responses.filter((r) => r.status === 409);
    for (const r of conflicts) expect((await r.json()).code).toBe('IDEMPOTENCY_IN_PROGRESS');
    const ids = new Set(await Promise.all(created.map(async (r) => (await r.json()).id)));
    expect(ids.size).toBe(1);
    // Replays after the fact answer the same purchase.
    const late = await h.purchase(u.token, 'race-50', { package_id: 'starter-100', payment_method: 'pm_card_visa' });
    expect(late.headers.get('idempotency-replayed')).toBe('true');
    expect((await late.json()).id).toBe([...ids][0]);
    await h.sim.webhooksIdle();
    expect(h.sim.state.stats.paymentIntentsCreated - pi0).toBe(1);
    expect(h.sim.state.stats.chargesSucceeded - ch0).toBe(1);
    expect(await count(sql`select count(*) as n from credit_purchases where user_id = ${u.id}`)).toBe(1);
    expect(
      await count(
        sql`select count(*) as n from ledger_transactions t join credit_purchases p on p.id = t.purchase_id where p.user_id = ${u.id} and t.kind = 'purchase'`,
      ),
    ).toBe(1);
    expect(await (await h.t.request('/api/credits/balance', { token: u.token })).json()).toEqual({ credits: 100 });
  });

  it('replays the stored response for the same key and request', async () => {
    const u = await h.user();
    const first = await h.purchase(u.token, 'replay-1', { package_id: 'standard-500', payment_method: 'pm_card_visa' });
    const again = await h.purchase(u.token, 'replay-1', { payment_method: 'pm_card_visa', package_id: 'standard-500' });
    expect(again.status).toBe(first.status);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
  });

  it('refuses the same key with a different request (422)', async () => {
    const u = await h.user();
    await h.purchase(u.token, 'reuse-1', { package_id: 'starter-100', payment_method: 'pm_card_visa' });
    const res = await h.purchase(u.token, 'reuse-1', { package_id: 'pro-1200', payment_method: 'pm_card_visa' });
    expect(res.status).toBe(422);
    expect((await res.json()).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('keys are scoped per user', async () => {
    const a = await h.user();
    const b = await h.user();
    const ra = await h.purchase(a.token, 'same-key', { package_id: 'starter-100', payment_method: 'pm_card_visa' });
    const rb = await h.purchase(b.token, 'same-key', { package_id: 'pro-1200', payment_method: 'pm_card_visa' });
    expect(ra.status).toBe(201);
    expect(rb.status).toBe(201);
    expect((await ra.json()).id).not.toBe((await rb.json()).id);
  });

  it('a declined card answers 402 and grants nothing', async () => {
    const u = await h.user();
    const res = await h.purchase(u.token, 'declined-1', {
      package_id: 'starter-100',
      payment_method: 'pm_card_chargeDeclined',
    });
    expect(res.status).toBe(402);
    const body = await res.json();
    expect(body.code).toBe('PAYMENT_FAILED');
    await h.sim.webhooksIdle();
    expect(await (await h.t.request('/api/credits/balance', { token: u.token })).json()).toEqual({ credits: 0 });
    const p = await (await h.t.request(`/api/credits/purchases/${body.purchase_id}`, { token: u.token })).json();
    expect(p.status).toBe('failed');
  });

  it('without a payment method returns the client secret and grants nothing yet', async () => {
    const u = await h.user();
    const res = await h.purchase(u.token, 'client-side-1', { package_id: 'starter-100' });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.status).toBe('requires_payment_method');
    expect(body.client_secret).toMatch(/^pi_.*_secret_/);
    expect(body.credits_granted).toBe(false);
  });

  it('validates the body and names the field', async () => {
    const u = await h.user();
    const res = await h.purchase(u.token, 'bad-body', { package_id: 'nope' });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].path).toBe('package_id');
    const extra = await h.purchase(u.token, 'bad-body-2', { package_id: 'starter-100', amount: 1 });
    expect(extra.status).toBe(400);
  });

  it('only the owner reads a purchase; others get 404', async () => {
    const a = await h.user();
    const b = await h.user();
    const { id } = await (
      await h.purchase(a.token, 'own-1', { package_id: 'starter-100', payment_method: 'pm_card_visa' })
    ).json();
    expect((await h.t.request(`/api/credits/purchases/${id}`, { token: b.token })).status).toBe(404);
    expect((await h.t.request(`/api/credits/purchases/${id}`, { token: a.token })).status).toBe(200);
  });

  it('needs a login', async () => {
    expect((await h.t.request('/api/credits/balance')).status).toBe(401);
  });
});
