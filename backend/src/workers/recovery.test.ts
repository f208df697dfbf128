import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createPaymentsHarness, type PaymentsHarness } from '../../../test/support/psp-sim/harness.ts';
import { recoverOnce } from './recovery.ts';
import { stripeFor } from '../payments/psp.ts';
import { creditPurchases } from '../db/schema/payments.ts';
import { reconcile, reconcileOk, formatReport } from '../payments/reconcile.ts';
import { unbalancedTransactions } from '../ledger/balance.ts';
import type { PaymentsContext } from '../payments/context.ts';

let h: PaymentsHarness;
let ctx: PaymentsContext;
const started = new Date(Date.now() - 60_000);
beforeAll(async () => {
  h = await createPaymentsHarness({ env: { IDEMPOTENCY_LOCK_TIMEOUT_SECONDS: '1' } });
  ctx = { db: h.t.deps.db, stripe: stripeFor(h.t.deps.env)!, env: h.t.deps.env, log: h.t.deps.log };
});
afterAll(async () => {
  await h?.close();
});

const rows = <T>(r: unknown) => (r as { rows?: T[] }).rows ?? (r as T[]);
const balance = async (token: string) => (await (await h.t.request('/api/credits/balance', { token })).json()).credits;
// No request runs beside these tests, so recovery need not wait for rows to age (minAgeSeconds: 0)
// and the tests need not sleep for it.
const recover = () => recoverOnce(ctx, { lockTimeoutMs: 1000, minAgeSeconds: 0 });

describe('recovery and reconciliation', () => {
  it('settles a purchase whose webhooks never arrive, by asking the PSP', async () => {
    h.sim.setWebhookUrl(undefined); // Stripe cannot reach us at all
    const u = await h.user();
    const res = await h.purchase(u.token, 'lost-webhooks', {
      package_id: 'standard-500',
      payment_method: 'pm_card_visa',
    });
    expect(res.status).toBe(201);
    expect(await balance(u.token)).toBe(0);
    const report = await recover();
    expect(report.purchasesSettled).toBeGreaterThanOrEqual(1);
    expect(await balance(u.token)).toBe(500);
    // No request settled it: its outbox messages carry the round's run id, which its log lines carry too.
    expect(report.runId).toMatch(/^recovery-[0-9a-f-]{36}$/);
    const { id: purchaseId } = await res.json();
    expect(
      rows<{ request_id: string }>(
        await h.t.deps.db.execute(
          sql`select distinct request_id from outbox_messages where payload->>'purchase_id' = ${purchaseId}`,
        ),
      ),
    ).toEqual([{ request_id: report.runId }]);
    const again = await recover();
    expect(again.purchasesSettled).toBe(0);
    expect(await balance(u.token)).toBe(500);
    const [src] = rows<{ source: string }>(
      await h.t.deps.db.execute(
        sql`select distinct source from ledger_transactions t join credit_purchases p on p.id = t.purchase_id where p.user_id = ${u.id}`,
      ),
    );
    expect(src.source).toBe('recovery');
  });

  it('finds a PaymentIntent whose id was never stored by searching our metadata', async () => {
    const u = await h.user();
    const id = crypto.randomUUID();
    await h.t.deps.db.insert(creditPurchases).values({
      id,
      userId: u.id,
      packageId: 'starter-100',
      amountCents: 999,
      currency: 'usd',
      credits: 100,
      status: 'created',
      updatedAt: new Date(Date.now() - 10_000),
    });
    // The PSP call happened (same metadata and key as the purchase phase would send), its answer was lost.
    const pi = await ctx.stripe.paymentIntents.create(
      {
        amount: 999,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        metadata: { purchase_id: id, user_id: u.id, package_id: 'starter-100' },
      },
      { idempotencyKey: `gh-pi-${id}` },
    );
    await recover();
    const [p] = rows<{ payment_intent_id: string; status: string }>(
      await h.t.deps.db.execute(sql`select payment_intent_id, status from credit_purchases where id = ${id}`),
    );
    expect(p).toEqual({ payment_intent_id: pi.id, status: 'succeeded' });
    expect(await balance(u.token)).toBe(100);
  });

  it('resumes a refund whose PSP answer was lost; the refund happens once', async () => {
    const u = await h.user();
    const { id } = await (
      await h.purchase(u.token, 'to-refund', { package_id: 'starter-100', payment_method: 'pm_card_visa' })
    ).json();
    await recover();
    const refunds0 = h.sim.state.stats.refundsCreated;
    h.sim.faults.dropResponseNext = 2;
    const res = await h.refund(u.token, id, 'refund-lost', { amount: 500 });
    expect(res.status).toBe(502);
    await recover();
    expect(h.sim.state.stats.refundsCreated - refunds0).toBe(1);
    const replay = await h.refund(u.token, id, 'refund-lost', { amount: 500 });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect(await balance(u.token)).toBe(50);
  });

  it('reconcile reports 100% matched; a refund made only at the PSP is a mismatch until applied', async () => {
    let report = await reconcile(h.t.deps.db, ctx.stripe, { since: started });
    expect(formatReport(report)).toContain('RESULT: OK');
    expect(report.matched).toBe(report.checked);
    expect(report.checked).toBeGreaterThan(0);
    // A refund issued from the PSP dashboard while webhooks are down: the ledger does not know it.
    const [p] = rows<{ payment_intent_id: string }>(
      await h.t.deps.db.execute(
        sql`select payment_intent_id from credit_purchases where status = 'succeeded' and id not in (select purchase_id from credit_refunds) limit 1`,
      ),
    );
    await ctx.stripe.refunds.create({ payment_intent: p.payment_intent_id, amount: 100 });
    report = await reconcile(h.t.deps.db, ctx.stripe, { since: started });
    expect(reconcileOk(report)).toBe(false);
    expect(report.missingInLedger).toHaveLength(1);
    report = await reconcile(h.t.deps.db, ctx.stripe, { since: started, apply: true });
    expect(report.applied).toBe(1);
    expect(reconcileOk(report)).toBe(true);
    expect(await unbalancedTransactions(h.t.deps.db)).toEqual([]);
  });

  it('reconcile flags a ledger amount that differs from the PSP', async () => {
    // A purchase whose stored credits differ from the ledger grant cannot happen through the API; fake the PSP side instead.
    const u = await h.user();
    await (await h.purchase(u.token, 'mismatch', { package_id: 'starter-100', payment_method: 'pm_card_visa' })).json();
    await recover();
    const pi = h.sim.state
      .ofType('payment_intent')
      .find((x) => (x.metadata as Record<string, string>).user_id === u.id)!;
    const charge = h.sim.state.objects.get(pi.latest_charge as string)!;
    const bt = h.sim.state.objects.get(charge.balance_transaction as string)!;
    bt.fee = (bt.fee as number) + 1; // the PSP now says the fee was one cent more
    const report = await reconcile(h.t.deps.db, ctx.stripe, { since: started });
    expect(report.amountMismatch.map((m) => m.key)).toEqual([`${pi.id}:psp_fee`]);
    bt.fee = (bt.fee as number) - 1;
  });

  // Last in the file: it leaves the chain broken on purpose.
  it('reconcile reports the ledger hash chain, and a superuser edit of a transaction breaks it', async () => {
    expect((await reconcile(h.t.deps.db, ctx.stripe, { since: started })).chain.ok).toBe(true);
    await h.t.database.owner.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(
        sql`update ledger_transactions set source = 'api' where id = (select transaction_id from ledger_chain where seq = 2)`,
      );
    });
    const report = await reconcile(h.t.deps.db, ctx.stripe, { since: started });
    expect(report.chain.breaks[0]).toMatchObject({ seq: 2, reason: 'content_changed' });
    expect(reconcileOk(report)).toBe(false);
    expect(formatReport(report)).toMatch(/ledger chain: BROKEN after 1 verified links\n\s+content_changed: link #2/);
  });
});
