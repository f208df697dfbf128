import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { rowsOf, type Db } from '../db/client.ts';
import { serializable } from '../idempotency/serializable.ts';
import { unbalancedTransactions } from '../ledger/balance.ts';
import { formatChainReport, verifyChain, type ChainReport } from '../ledger/chain.ts';
import { applyPaymentIntentFacts } from './settlement/4-apply-payment-intent.ts';
import { applyRefundFacts } from './settlement/5-apply-refund.ts';
import {
  fetchPaymentIntentFacts,
  refundFacts,
  type PaymentIntentFacts,
  type RefundFacts,
} from './settlement/3-facts.ts';

interface Finding {
  key: string;
  detail: string;
}
export interface ReconcileReport {
  /** `reconcile-<uuid>`: the request id of what `apply` writes (outbox messages), like a request's. */
  runId: string;
  since: Date;
  checked: number;
  matched: number;
  missingInLedger: Finding[];
  missingAtPsp: Finding[];
  amountMismatch: Finding[];
  duplicates: Finding[];
  unbalanced: Finding[];
  applied: number;
  /** The ledger's hash chain (ledger/chain.ts): a break means rows were edited around the guards. */
  chain: ChainReport;
}

/** Ledger effects in the window: the amount each business key moved on its characteristic account. */
async function ledgerEffects(db: Db, since: Date): Promise<Map<string, { amount: number; purchaseId: string | null }>> {
  const r = await db.execute(sql`
    select t.business_key, t.purchase_id,
      coalesce(sum(e.amount) filter (where (t.kind = 'purchase' and e.account_id = 'psp_clearing') or (t.kind = 'psp_fee' and e.account_id = 'psp_fees')
        or (t.kind = 'refund' and e.account_id = 'refunds') or (t.kind = 'credit_grant' and e.account_id like 'wallet:%')), 0)::bigint as amount
    from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
    left join credit_purchases p on p.id = t.purchase_id
    where t.kind in ('purchase', 'psp_fee', 'refund', 'credit_grant') and coalesce(p.created_at, t.created_at) >= ${since.toISOString()}
    group by t.business_key, t.purchase_id`);
  return new Map(
    rowsOf<{ business_key: string; purchase_id: string | null; amount: string }>(r).map((x) => [
      x.business_key,
      { amount: Number(x.amount), purchaseId: x.purchase_id },
    ]),
  );
}

/**
 * Compares the ledger with the PSP's records since `since`: every succeeded PaymentIntent of ours
 * needs its purchase, fee and credit grant in the ledger at the PSP's amounts, every succeeded
 * refund its refund entry, and every ledger effect a PSP fact behind it. With `apply`, facts missing
 * from the ledger are applied (once, through the same code as webhooks) and counted as matched.
 */
export async function reconcile(
  db: Db,
  stripe: Stripe,
  opts: { since: Date; apply?: boolean },
): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    runId: `reconcile-${crypto.randomUUID()}`,
    since: opts.since,
    checked: 0,
    matched: 0,
    missingInLedger: [],
    missingAtPsp: [],
    amountMismatch: [],
    duplicates: [],
    unbalanced: [],
    applied: 0,
    chain: { ok: true, links: 0, breaks: [], headHash: '' },
  };
  const gte = Math.floor(opts.since.getTime() / 1000);
  const credits = new Map(
    rowsOf<{ id: string; credits: number }>(await db.execute(sql`select id, credits from credit_purchases`)).map(
      (p) => [p.id, Number(p.credits)],
    ),
  );
  let ledger = await ledgerEffects(db, opts.since);

  const pis: PaymentIntentFacts[] = [];
  for await (const pi of stripe.paymentIntents.list({ created: { gte }, limit: 100 })) {
    if (pi.metadata?.purchase_id && pi.status === 'succeeded') pis.push(await fetchPaymentIntentFacts(stripe, pi.id));
  }
  const ours = new Set(pis.map((p) => p.id));
  const refunds: RefundFacts[] = [];
  for await (const r of stripe.refunds.list({ created: { gte }, limit: 100 })) {
    const f = refundFacts(r);
    if (f.status === 'succeeded' && (f.metadata.refund_id || (f.paymentIntentId && ours.has(f.paymentIntentId))))
      refunds.push(f);
  }

  const byPurchase = new Map<string, string[]>();
  for (const p of pis)
    byPurchase.set(p.metadata.purchase_id, [...(byPurchase.get(p.metadata.purchase_id) ?? []), p.id]);
  for (const [purchase, ids] of byPurchase)
    if (ids.length > 1)
      report.duplicates.push({
        key: purchase,
        detail: `${ids.length} succeeded PaymentIntents for one purchase: ${ids.join(', ')}`,
      });

  if (opts.apply) {
    for (const p of pis)
      if (!ledger.has(`${p.id}:purchase`) || !ledger.has(`${p.id}:credit_grant`)) {
        if ((await serializable(db, (tx) => applyPaymentIntentFacts(tx, p, 'reconcile', report.runId))) === 'applied')
          report.applied++;
      }
    for (const r of refunds)
      if (!ledger.has(`${r.id}:refund`)) {
        if ((await serializable(db, (tx) => applyRefundFacts(tx, r, 'reconcile', report.runId))) === 'applied')
          report.applied++;
      }
    ledger = await ledgerEffects(db, opts.since);
  }

  const expected: { key: string; amount: number }[] = [];
  for (const p of pis) {
    expected.push({ key: `${p.id}:purchase`, amount: p.amount });
    if (p.feeCents) expected.push({ key: `${p.id}:psp_fee`, amount: p.feeCents });
    const c = credits.get(p.metadata.purchase_id);
    if (c !== undefined) expected.push({ key: `${p.id}:credit_grant`, amount: c });
    else
      report.missingInLedger.push({
        key: p.id,
        detail: `PaymentIntent for unknown purchase ${p.metadata.purchase_id}`,
      });
  }
  for (const r of refunds) expected.push({ key: `${r.id}:refund`, amount: r.amount });
  const seen = new Set<string>();
  for (const e of expected) {
    report.checked++;
    seen.add(e.key);
    const got = ledger.get(e.key);
    if (!got) report.missingInLedger.push({ key: e.key, detail: `PSP has ${e.amount}, ledger has nothing` });
    else if (got.amount !== e.amount)
      report.amountMismatch.push({ key: e.key, detail: `PSP ${e.amount}, ledger ${got.amount}` });
    else report.matched++;
  }
  for (const [key, v] of ledger) {
    if (seen.has(key)) continue;
    report.checked++;
    report.missingAtPsp.push({
      key,
      detail: `ledger has ${v.amount} (purchase ${v.purchaseId}), no succeeded PSP record`,
    });
  }
  const dupGrants = rowsOf<{ purchase_id: string; n: number }>(
    await db.execute(sql`
    select purchase_id, count(*)::int as n from ledger_transactions where kind = 'credit_grant' group by purchase_id having count(*) > 1`),
  );
  for (const d of dupGrants)
    report.duplicates.push({ key: d.purchase_id, detail: `${d.n} credit grants for one purchase` });
  for (const u of await unbalancedTransactions(db))
    report.unbalanced.push({ key: u.transaction_id, detail: `off by ${u.total} ${u.currency}` });
  // After any --apply postings, so the chain checked includes them.
  report.chain = await verifyChain(db);
  return report;
}

export function reconcileOk(r: ReconcileReport): boolean {
  return (
    !r.missingInLedger.length &&
    !r.missingAtPsp.length &&
    !r.amountMismatch.length &&
    !r.duplicates.length &&
    !r.unbalanced.length &&
    r.chain.ok
  );
}

export function formatReport(r: ReconcileReport): string {
  const pct = r.checked ? ((100 * r.matched) / r.checked).toFixed(1) : '100.0';
  const lines = [
    `reconcile since ${r.since.toISOString()} (run ${r.runId})`,
    `  checked ${r.checked}, matched ${r.matched} (${pct}%)${r.applied ? `, applied ${r.applied} missing facts` : ''}`,
    `  missing in ledger: ${r.missingInLedger.length}`,
    `  missing at PSP:    ${r.missingAtPsp.length}`,
    `  amount mismatches: ${r.amountMismatch.length}`,
    `  duplicates:        ${r.duplicates.length}`,
    `  unbalanced txns:   ${r.unbalanced.length}`,
    `  ${formatChainReport(r.chain).replaceAll('\n', '\n  ')}`,
  ];
  for (const [name, list] of [
    ['missing in ledger', r.missingInLedger],
    ['missing at PSP', r.missingAtPsp],
    ['amount mismatch', r.amountMismatch],
    ['duplicate', r.duplicates],
    ['unbalanced', r.unbalanced],
  ] as const) {
    for (const f of list.slice(0, 50)) lines.push(`  ${name}: ${f.key} — ${f.detail}`);
  }
  lines.push(
    reconcileOk(r) ? 'RESULT: OK (ledger matches the PSP)' : 'RESULT: MISMATCH (see docs/runbooks/reconciliation.md)',
  );
  return lines.join('\n');
}
