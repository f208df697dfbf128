import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.ts';

/** A payments row that went wrong, with the request id that leads to its log lines. */
export interface PaymentProblem {
  kind: 'purchase_failed' | 'refund_failed' | 'outbox_dead_letter' | 'webhook_not_applied';
  id: string;
  request_id: string | null;
  detail: string;
  at: string;
}

/** Per kind: enough for the latest incident on the dashboard; older ones are in the tables and logs. */
const PROBLEMS_PER_KIND = 5;

/**
 * Webhook outcomes that mean an event was stored without its effect (2-inbox.ts joins the
 * per-object outcomes of 4-apply-payment-intent.ts and 5-apply-refund.ts with commas).
 */
const WEBHOOK_NOT_APPLIED = '(amount_mismatch|needs_fee|needs_purchase|not_ours)';

/**
 * The latest failed purchases and refunds, dead-lettered outbox messages and webhook events whose
 * effect was not applied, newest first, each with the `request_id` stored on its row (null for
 * rows from before migration 0013). Served in `GET /api/ops/payments` and on `/ops`.
 */
export async function recentPaymentProblems(db: Db): Promise<PaymentProblem[]> {
  const rows = rowsOf<PaymentProblem & { at: string | Date }>(
    await db.execute(sql`
    (select 'purchase_failed' as kind, id::text, request_id, coalesce(failure_code, 'failed') as detail, updated_at as at
       from credit_purchases where status = 'failed' order by updated_at desc limit ${PROBLEMS_PER_KIND})
    union all
    (select 'refund_failed', id::text, request_id, coalesce(failure_reason, 'failed'), updated_at
       from credit_refunds where status = 'failed' order by updated_at desc limit ${PROBLEMS_PER_KIND})
    union all
    (select 'outbox_dead_letter', id::text, request_id, topic || ': ' || coalesce(last_error, ''), dead_at
       from outbox_messages where dead_at is not null order by dead_at desc limit ${PROBLEMS_PER_KIND})
    union all
    (select 'webhook_not_applied', id, request_id, type || ' → ' || outcome, received_at
       from webhook_events where outcome ~ ${WEBHOOK_NOT_APPLIED} order by received_at desc limit ${PROBLEMS_PER_KIND})
    order by at desc`),
  );
  return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
}

/** What one request id wrote: the way back from a log line (or a problem body) to the rows. */
export interface RequestRows {
  purchases: { id: string; status: string; created_at: string }[];
  refunds: { id: string; purchase_id: string; status: string; created_at: string }[];
  webhook_events: { id: string; type: string; outcome: string; received_at: string }[];
  outbox_messages: { id: string; topic: string; state: string; created_at: string }[];
}

const iso = <T extends Record<string, unknown>>(rows: T[], key: keyof T) =>
  rows.map((r) => ({ ...r, [key]: new Date(r[key] as string).toISOString() }));

/** The rows stored under `requestId` (each table has an index on request_id, migration 0013). */
export async function rowsOfRequest(db: Db, requestId: string): Promise<RequestRows> {
  const [purchases, refunds, webhookEvents, outbox] = await Promise.all([
    db.execute(
      sql`select id::text, status, created_at from credit_purchases where request_id = ${requestId} order by created_at`,
    ),
    db.execute(
      sql`select id::text, purchase_id::text, status, created_at from credit_refunds where request_id = ${requestId} order by created_at`,
    ),
    db.execute(
      sql`select id, type, outcome, received_at from webhook_events where request_id = ${requestId} order by received_at`,
    ),
    db.execute(sql`
      select id::text, topic, case when delivered_at is not null then 'delivered' when dead_at is not null then 'dead'
        else 'pending' end as state, created_at
      from outbox_messages where request_id = ${requestId} order by created_at`),
  ]);
  return {
    purchases: iso(rowsOf<RequestRows['purchases'][number]>(purchases), 'created_at'),
    refunds: iso(rowsOf<RequestRows['refunds'][number]>(refunds), 'created_at'),
    webhook_events: iso(rowsOf<RequestRows['webhook_events'][number]>(webhookEvents), 'received_at'),
    outbox_messages: iso(rowsOf<RequestRows['outbox_messages'][number]>(outbox), 'created_at'),
  };
}
