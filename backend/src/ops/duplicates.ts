import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.ts';

/**
 * The duplicates detector behind "duplicates = 0". Money moves once, so each of these must read 0;
 * the guards (unique business keys, the inbox's primary key, Stripe idempotency keys) make them so,
 * and this counts what got through anyway:
 * - `psp_charges`: purchases with more than one succeeded PaymentIntent at the PSP, as the webhook
 *   inbox saw them and as the last reconciliation found them (the larger of the two);
 * - `ledger_postings`: ledger business keys posted more than once;
 * - `credit_grants`: purchases whose credits were granted more than once.
 */
export interface Duplicates {
  psp_charges: number;
  ledger_postings: number;
  credit_grants: number;
}
export type DuplicateKind = keyof Duplicates;
export const DUPLICATE_KINDS: readonly DuplicateKind[] = ['psp_charges', 'ledger_postings', 'credit_grants'];

export async function detectDuplicates(db: Db): Promise<Duplicates> {
  const [r] = rowsOf<{ inbox: number; postings: number; grants: number; reconciled: number | null }>(
    await db.execute(sql`
    select
      (select count(*) from (
         select payload #>> '{data,object,metadata,purchase_id}' from webhook_events
         where type = 'payment_intent.succeeded' and payload #>> '{data,object,metadata,purchase_id}' is not null
         group by 1 having count(distinct object_id) > 1) d)::int as inbox,
      (select count(*) from (
         select business_key from ledger_transactions group by business_key having count(*) > 1) d)::int as postings,
      (select count(*) from (
         select purchase_id from ledger_transactions where kind = 'credit_grant' and purchase_id is not null
         group by purchase_id having count(*) > 1) d)::int as grants,
      (select psp_duplicates from reconciliation_runs order by finished_at desc limit 1) as reconciled`),
  );
  return {
    psp_charges: Math.max(Number(r.inbox), Number(r.reconciled ?? 0)),
    ledger_postings: Number(r.postings),
    credit_grants: Number(r.grants),
  };
}

export const totalDuplicates = (d: Duplicates) => d.psp_charges + d.ledger_postings + d.credit_grants;
