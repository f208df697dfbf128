import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.ts';
import { unbalancedTransactions } from '../ledger/balance.ts';
import { recentPaymentProblems } from './request-trace.ts';

/**
 * What the ops dashboard shows about payments: outbox lag and dead letters, unsettled purchases
 * and refunds, unfinished idempotency keys, whether the ledger balances, and the latest problems
 * with the request id behind each (`recent_problems`, request-trace.ts). Served at
 * `GET /api/ops/payments` (admin) and callable directly.
 */
export async function paymentsOpsSnapshot(db: Db) {
  const [outbox] = rowsOf<{ pending: number; dead: number; oldest_pending_seconds: number | null; delivered: number }>(
    await db.execute(sql`
    select count(*) filter (where delivered_at is null and dead_at is null)::int as pending,
           count(*) filter (where dead_at is not null)::int as dead,
           count(*) filter (where delivered_at is not null)::int as delivered,
           extract(epoch from now() - min(created_at) filter (where delivered_at is null and dead_at is null))::float as oldest_pending_seconds
    from outbox_messages`),
  );
  const dead = rowsOf<{
    id: string;
    topic: string;
    attempts: number;
    last_error: string | null;
    dead_at: string;
    request_id: string | null;
  }>(
    await db.execute(sql`
    select id, topic, attempts, last_error, dead_at, request_id from outbox_messages where dead_at is not null order by dead_at desc limit 20`),
  );
  const purchases = rowsOf<{ status: string; n: number }>(
    await db.execute(sql`select status, count(*)::int as n from credit_purchases group by status`),
  );
  const refunds = rowsOf<{ status: string; n: number }>(
    await db.execute(sql`select status, count(*)::int as n from credit_refunds group by status`),
  );
  const [keys] = rowsOf<{ unfinished: number }>(
    await db.execute(sql`select count(*)::int as unfinished from idempotency_keys where recovery_point <> 'finished'`),
  );
  const [inbox] = rowsOf<{ events: number }>(await db.execute(sql`select count(*)::int as events from webhook_events`));
  const unbalanced = await unbalancedTransactions(db);
  const problems = await recentPaymentProblems(db);
  return {
    outbox: {
      pending: outbox.pending,
      delivered: outbox.delivered,
      dead_letters: outbox.dead,
      lag_seconds: outbox.oldest_pending_seconds ?? 0,
      recent_dead_letters: dead,
    },
    purchases: Object.fromEntries(purchases.map((p) => [p.status, p.n])),
    refunds: Object.fromEntries(refunds.map((r) => [r.status, r.n])),
    idempotency: { unfinished: keys.unfinished },
    inbox: { events: inbox.events },
    ledger: { balanced: unbalanced.length === 0, unbalanced_transactions: unbalanced.length },
    recent_problems: problems,
  };
}
