import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createPaymentsHarness, type PaymentsHarness } from '../../../test/support/psp-sim/harness.ts';
import { unbalancedTransactions } from '../ledger/balance.ts';
import { recoverOnce } from '../workers/recovery.ts';
import { piIdempotencyKey, stripeFor } from './psp.ts';
import { requestFingerprint } from '../idempotency/fingerprint.ts';

let h: PaymentsHarness;
// A 1 s lock timeout lets the stale-lock test run quickly; live requests finish far sooner.
beforeAll(async () => {
  h = await createPaymentsHarness({ env: { IDEMPOTENCY_LOCK_TIMEOUT_SECONDS: '1' } });
});
afterAll(async () => {
  await h?.close();
});

const rows = <T>(r: unknown) => (r as { rows?: T[] }).rows ?? (r as T[]);
const tick = () => new Promise((r) => setTimeout(r, 10));
/** The purchase a request's idempotency key points at, once its first phase has committed. */
async function purchaseIdOf(userId: string, key: string): Promise<string> {
  for (;;) {
    const [k] = rows<{ resource_id: string | null }>(
      await h.t.deps.db.execute(
        sql`select resource_id from idempotency_keys where user_id = ${userId} and idempotency_key = ${key}`,
      ),
    );
    if (k?.resource_id) return k.resource_id;
    await tick();
  }
}

describe('idempotency under forced retries', () => {
  it('a dropped PSP response, retried by the SDK with our key → one charge', async () => {
    const u = await h.user();
    const ch0 = h.sim.state.stats.chargesSucceeded;
    const replays0 = h.sim.state.stats.idempotentReplays;
    h.sim.faults.dropResponseNext = 1;
    const res = await h.purchase(u.token, 'drop-1', { package_id: 'starter-100', payment_method: 'pm_card_visa' });
    expect(res.status).toBe(201);
    expect(h.sim.state.stats.chargesSucceeded - ch0).toBe(1);
    expect(h.sim.state.stats.idempotentReplays - replays0).toBe(1);
  });

  it('dropped responses beyond the SDK retry → 502, then the client retry with the same key → still one charge', async () => {
    const u = await h.user();
    const ch0 = h.sim.state.stats.chargesSucceeded;
    h.sim.faults.dropResponseNext = 2;
    const first = await h.purchase(u.token, 'drop-2', { package_id: 'starter-100', payment_method: 'pm_card_visa' });
    expect(first.status).toBe(502);
    expect((await first.json()).code).toBe('PSP_UNAVAILABLE');
    const retry = await h.purchase(u.token, 'drop-2', { package_id: 'starter-100', payment_method: 'pm_card_visa' });
    expect(retry.status).toBe(201);
    expect(h.sim.state.stats.chargesSucceeded - ch0).toBe(1);
    await h.sim.webhooksIdle();
    expect(await (await h.t.request('/api/credits/balance', { token: u.token })).json()).toEqual({ credits: 100 });
  });

  it('PSP failing the first calls → 502 without a stored response; the retry succeeds once', async () => {
    const u = await h.user();
    const ch0 = h.sim.state.stats.chargesSucceeded;
    h.sim.faults.failNext = 2;
    const first = await h.purchase(u.token, 'fail-2', { package_id: 'pro-1200', payment_method: 'pm_card_visa' });
    expect(first.status).toBe(502);
    const retry = await h.purchase(u.token, 'fail-2', { package_id: 'pro-1200', payment_method: 'pm_card_visa' });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotency-replayed')).toBeNull();
    expect(h.sim.state.stats.chargesSucceeded - ch0).toBe(1);
  });

  it('a stale lock (crashed request) is taken over; a fresh one answers 409', async () => {
    const u = await h.user();
    // Simulate a request that died after `started`: the key is locked, nothing else happened.
    const body = { package_id: 'starter-100', payment_method: 'pm_card_visa' };
    const fp = requestFingerprint('POST', '/api/credits/purchases', body);
    await h.t.deps.db.execute(sql`insert into idempotency_keys (user_id, idempotency_key, operation, fingerprint, request_params, recovery_point, locked_at)
      values (${u.id}, 'stale-1', 'purchase.create', ${fp}, ${JSON.stringify(body)}::jsonb, 'started', now() + interval '1 minute')`);
    const busy = await h.purchase(u.token, 'stale-1', body); // lock fresh (dated ahead so a slow machine cannot age it)
    expect(busy.status).toBe(409);
    await h.t.deps.db.execute(
      sql`update idempotency_keys set locked_at = now() - interval '5 seconds' where idempotency_key = 'stale-1'`,
    );
    const taken = await h.purchase(u.token, 'stale-1', body);
    expect(taken.status).toBe(201);
  });

  it('a live request slower than the lock timeout is taken over safely: one PaymentIntent, the slow run stops', async () => {
    const u = await h.user();
    const pi0 = h.sim.state.stats.paymentIntentsCreated;
    const ch0 = h.sim.state.stats.chargesSucceeded;
    const body = { package_id: 'starter-100', payment_method: 'pm_card_visa' };
    h.sim.faults.delayMs = 2500; // the PSP call outlives the 1 s lock
    const slow = h.purchase(u.token, 'slow-1', body);
    // Wait for this run's own PaymentIntent call to be held by the PSP, named by its key. Not "any
    // PSP call": the earlier tests' webhooks are still fetching fees from the PSP in the background.
    const pspKey = piIdempotencyKey(await purchaseIdOf(u.id, 'slow-1'));
    while (!h.sim.keyInFlight(pspKey)) await tick();
    h.sim.faults.delayMs = 0;
    await h.t.deps.db.execute(
      sql`update idempotency_keys set locked_at = now() - interval '5 seconds' where idempotency_key = 'slow-1'`,
    );
    const taker = await h.purchase(u.token, 'slow-1', body); // takes over; Stripe's in-flight 409 may make it a 502
    expect([201, 502]).toContain(taker.status);
    const slowRes = await slow;
    expect(slowRes.status).toBe(409);
    expect((await slowRes.json()).code).toBe('IDEMPOTENCY_IN_PROGRESS');
    await h.t.deps.db.execute(
      sql`update idempotency_keys set locked_at = now() - interval '5 seconds' where idempotency_key = 'slow-1' and recovery_point <> 'finished'`,
    );
    const final = await h.purchase(u.token, 'slow-1', body);
    expect(final.status).toBe(201);
    expect(h.sim.state.stats.paymentIntentsCreated - pi0).toBe(1);
    expect(h.sim.state.stats.chargesSucceeded - ch0).toBe(1);
    const [n] = rows<{ n: number }>(
      await h.t.deps.db.execute(sql`select count(*)::int as n from credit_purchases where user_id = ${u.id}`),
    );
    expect(n.n).toBe(1);
  });

  it('recovery resumes a key whose request died after the PSP call, without a second PaymentIntent', async () => {
    const u = await h.user();
    const pi0 = h.sim.state.stats.paymentIntentsCreated;
    // Lose every response of the PSP: the PaymentIntent exists at the PSP, our record does not know its id.
    h.sim.faults.dropResponseNext = 2;
    const res = await h.purchase(u.token, 'resume-1', { package_id: 'standard-500', payment_method: 'pm_card_visa' });
    expect(res.status).toBe(502);
    expect(h.sim.state.stats.paymentIntentsCreated - pi0).toBe(1);
    const stripe = stripeFor(h.t.deps.env)!;
    // The 502 released the key's lock and nothing else runs here: recovery need not wait for the rows to age.
    const report = await recoverOnce(
      { db: h.t.deps.db, stripe, env: h.t.deps.env, log: h.t.deps.log },
      { lockTimeoutMs: 1000, minAgeSeconds: 0 },
    );
    expect(report.errors).toBe(0);
    expect(h.sim.state.stats.paymentIntentsCreated - pi0).toBe(1);
    await h.sim.webhooksIdle();
    const replay = await h.purchase(u.token, 'resume-1', {
      package_id: 'standard-500',
      payment_method: 'pm_card_visa',
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect(await (await h.t.request('/api/credits/balance', { token: u.token })).json()).toEqual({ credits: 500 });
    expect(await unbalancedTransactions(h.t.deps.db)).toEqual([]);
  });
});
