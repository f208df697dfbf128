import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentsHarness, type PaymentsHarness } from '../../../test/support/psp-sim/harness.ts';
import { accountBalance, unbalancedTransactions } from '../ledger/balance.ts';
import { stripeFee } from '../../../test/support/psp-sim/index.ts';
import { creditsToRevoke } from './settlement/5-apply-refund.ts';

let h: PaymentsHarness;
beforeAll(async () => {
  h = await createPaymentsHarness();
});
afterAll(async () => {
  await h?.close();
});

const balance = async (token: string) => (await (await h.t.request('/api/credits/balance', { token })).json()).credits;

async function bought(pkg = 'standard-500') {
  const u = await h.user();
  const res = await h.purchase(u.token, `buy-${crypto.randomUUID()}`, {
    package_id: pkg,
    payment_method: 'pm_card_visa',
  });
  const { id } = await res.json();
  await h.sim.webhooksIdle();
  return { u, id: id as string };
}

describe('refunds', () => {
  it('partial then full: credits taken back pro rata, the PSP fee is not returned, over-refund refused', async () => {
    const { u, id } = await bought('standard-500'); // 3999 cents, 500 credits
    const db = h.t.deps.db;
    const clearing0 = await accountBalance(db, 'psp_clearing');
    const fees0 = await accountBalance(db, 'psp_fees');
    expect(await balance(u.token)).toBe(500);

    const partial = await h.refund(u.token, id, 'ref-1', { amount: 1000 });
    expect(partial.status).toBe(201);
    expect(await partial.json()).toMatchObject({ status: 'succeeded', amount_cents: 1000, credits_revoked: 125 });
    expect(await balance(u.token)).toBe(375);

    const over = await h.refund(u.token, id, 'ref-2', { amount: 3000 });
    expect(over.status).toBe(422);
    const overBody = await over.json();
    expect(overBody.code).toBe('REFUND_EXCEEDS_CHARGE');
    expect(overBody.refundable_cents).toBe(2999);

    const full = await h.refund(u.token, id, 'ref-3');
    expect(full.status).toBe(201);
    expect(await full.json()).toMatchObject({ amount_cents: 2999, credits_revoked: 375 });
    expect(await balance(u.token)).toBe(0);

    const again = await h.refund(u.token, id, 'ref-4', { amount: 1 });
    expect(again.status).toBe(422);
    expect((await accountBalance(db, 'psp_clearing')) - clearing0).toBe(-3999);
    expect((await accountBalance(db, 'psp_fees')) - fees0).toBe(0); // the fee was booked at purchase and stays
    expect(await unbalancedTransactions(db)).toEqual([]);
    const p = await (await h.t.request(`/api/credits/purchases/${id}`, { token: u.token })).json();
    expect(p.refunds.map((r: { amount_cents: number }) => r.amount_cents).sort()).toEqual([1000, 2999]);
    expect(stripeFee(3999)).toBeGreaterThan(0);
  });

  it('replays a refund by key and refuses the key for a different amount', async () => {
    const { u, id } = await bought('starter-100');
    const first = await h.refund(u.token, id, 'rk', { amount: 100 });
    const replay = await h.refund(u.token, id, 'rk', { amount: 100 });
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect(await replay.json()).toEqual(await first.json());
    const changed = await h.refund(u.token, id, 'rk', { amount: 200 });
    expect(changed.status).toBe(422);
    expect((await changed.json()).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('concurrent refunds never exceed the charge', async () => {
    const { u, id } = await bought('starter-100'); // 999 cents
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => h.refund(u.token, id, `cc-${i}`, { amount: 400 })),
    );
    const ok = results.filter((r) => r.status === 201).length;
    expect(ok).toBe(2);
    expect(results.filter((r) => r.status === 422).length).toBe(4);
  });

  it("someone else's purchase → 404; missing key → 400; unpaid purchase → 409", async () => {
    const { id } = await bought('starter-100');
    const other = await h.user();
    expect((await h.refund(other.token, id, 'x')).status).toBe(404);
    expect((await h.refund(other.token, id, undefined)).status).toBe(400);
    const noBody = await h.t.request(`/api/credits/purchases/${id}/refunds`, {
      method: 'POST',
      token: other.token,
      headers: { 'idempotency-key': 'nb' },
    });
    expect(noBody.status).toBe(404);
    const pending = await h.purchase(other.token, 'unpaid', { package_id: 'starter-100' });
    const { id: unpaid } = await pending.json();
    const res = await h.refund(other.token, unpaid, 'y');
    expect(res.status).toBe(409);
    expect((await res.json()).code).toBe('PURCHASE_NOT_REFUNDABLE');
  });

  it('creditsToRevoke telescopes to all credits whatever the order of partial refunds', () => {
    const credits = 100,
      charged = 999;
    for (const parts of [
      [1, 998],
      [500, 499],
      [333, 333, 333],
      [998, 1],
    ]) {
      let before = 0,
        total = 0;
      for (const amount of parts) {
        total += creditsToRevoke(credits, charged, before, amount);
        before += amount;
      }
      expect(total).toBe(credits);
    }
  });
});
