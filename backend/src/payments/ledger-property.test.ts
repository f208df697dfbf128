import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { createPaymentsHarness, type PaymentsHarness } from '../../../test/support/psp-sim/harness.ts';
import { recoverOnce } from '../workers/recovery.ts';
import { unbalancedTransactions, walletCredits } from '../ledger/balance.ts';
import { stripeFor } from './psp.ts';
import { CREDIT_PACKAGES } from './packages.ts';
import type { PaymentsContext } from './context.ts';

let h: PaymentsHarness;
let ctx: PaymentsContext;
beforeAll(async () => {
  h = await createPaymentsHarness({ env: { IDEMPOTENCY_LOCK_TIMEOUT_SECONDS: '1' } });
  ctx = { db: h.t.deps.db, stripe: stripeFor(h.t.deps.env)!, env: h.t.deps.env, log: h.t.deps.log };
});
afterAll(async () => {
  await h?.close();
});

const rows = <T>(r: unknown) => (r as { rows?: T[] }).rows ?? (r as T[]);

type Op =
  | { t: 'buy'; user: number; pkg: number; decline: boolean; twice: boolean }
  | { t: 'refund'; purchase: number; percent: number }
  | { t: 'webhooks'; hold: boolean; duplicate: boolean; reorder: boolean }
  | { t: 'flush' }
  | { t: 'recover' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('buy' as const),
      user: fc.nat(2),
      pkg: fc.nat(CREDIT_PACKAGES.length - 1),
      decline: fc.constantFrom(false, false, true),
      twice: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('refund' as const),
      purchase: fc.nat(20),
      percent: fc.integer({ min: 1, max: 130 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('webhooks' as const),
      hold: fc.boolean(),
      duplicate: fc.boolean(),
      reorder: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'recover' as const }) },
);

describe('ledger property: balances equal the sum of entries and the PSP, whatever the interleaving', () => {
  it('random purchases, refunds, duplicate/reordered/held webhooks and recovery converge', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 10 }), async (ops) => {
        run++;
        const users = [await h.user(), await h.user(), await h.user()];
        const purchases: string[] = [];
        let n = 0;
        for (const o of ops) {
          if (o.t === 'buy') {
            const body = {
              package_id: CREDIT_PACKAGES[o.pkg].id,
              payment_method: o.decline ? 'pm_card_chargeDeclined' : 'pm_card_visa',
            };
            const key = `p${run}-${n++}`;
            const calls = o.twice
              ? [h.purchase(users[o.user].token, key, body), h.purchase(users[o.user].token, key, body)]
              : [h.purchase(users[o.user].token, key, body)];
            for (const res of await Promise.all(calls)) {
              expect([201, 402, 409]).toContain(res.status);
              const b = await res.json();
              if (res.status === 201) purchases.push(b.id);
            }
          } else if (o.t === 'refund' && purchases.length) {
            const id = purchases[o.purchase % purchases.length];
            const [p] = rows<{ user_id: string; amount_cents: number }>(
              await h.t.deps.db.execute(sql`select user_id, amount_cents from credit_purchases where id = ${id}`),
            );
            const owner = users.find((u) => u.id === p.user_id)!;
            const res = await h.refund(owner.token, id, `r${run}-${n++}`, {
              amount: Math.max(1, Math.floor((p.amount_cents * o.percent) / 100)),
            });
            expect([201, 409, 422]).toContain(res.status);
          } else if (o.t === 'webhooks') {
            Object.assign(h.sim.faults, {
              holdWebhooks: o.hold,
              duplicateWebhooks: o.duplicate,
              reorderWebhooks: o.reorder,
            });
          } else if (o.t === 'flush') {
            await h.sim.flushWebhooks();
          } else if (o.t === 'recover') {
            await recoverOnce(ctx, { lockTimeoutMs: 1000, minAgeSeconds: 0 });
          }
        }
        // Let everything arrive, then settle what did not.
        Object.assign(h.sim.faults, { holdWebhooks: false, duplicateWebhooks: false, reorderWebhooks: false });
        await h.sim.flushWebhooks();
        await h.sim.webhooksIdle();
        await recoverOnce(ctx, { lockTimeoutMs: 1000, minAgeSeconds: 0 });

        expect(await unbalancedTransactions(h.t.deps.db)).toEqual([]);
        for (const u of users) {
          // Expected from the PSP's own records: credits of each succeeded charge minus the pro-rata refunded part.
          let expected = 0;
          for (const pi of h.sim.state
            .ofType('payment_intent')
            .filter((x) => (x.metadata as Record<string, string>).user_id === u.id && x.status === 'succeeded')) {
            const [p] = rows<{ credits: number }>(
              await h.t.deps.db.execute(
                sql`select credits from credit_purchases where id = ${(pi.metadata as Record<string, string>).purchase_id}`,
              ),
            );
            const refunded = h.sim.state
              .ofType('refund')
              .filter((r) => r.payment_intent === pi.id)
              .reduce((a, r) => a + (r.amount as number), 0);
            expected += p.credits - Math.floor((p.credits * refunded) / (pi.amount as number));
          }
          const api = (await (await h.t.request('/api/credits/balance', { token: u.token })).json()).credits;
          const [sum] = rows<{ total: string }>(
            await h.t.deps.db.execute(
              sql`select coalesce(sum(amount), 0)::bigint as total from ledger_entries where account_id = ${`wallet:${u.id}`}`,
            ),
          );
          expect(api).toBe(Number(sum.total));
          expect(api).toBe(expected);
          expect(await walletCredits(h.t.deps.db, u.id)).toBe(expected);
        }
        // One PaymentIntent per purchase record, never more.
        const [mine] = rows<{ n: number }>(
          await h.t.deps.db.execute(
            sql`select count(*)::int as n from credit_purchases p where p.user_id in (${users[0].id}, ${users[1].id}, ${users[2].id})`,
          ),
        );
        const pis = h.sim.state
          .ofType('payment_intent')
          .filter((x) => users.some((u) => u.id === (x.metadata as Record<string, string>).user_id));
        expect(pis.length).toBe(mine.n);
      }),
      { numRuns: 6 },
    );
  }, 240_000);
});
