import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.ts';
import type { ReconcileReport } from '../payments/reconcile.ts';

/** The last reconciliation as the dashboard shows it. */
export interface ReconciliationRun {
  finished_at: string;
  source: string;
  checked: number;
  matched: number;
  mismatched: number;
  psp_duplicates: number;
}

/**
 * Records a reconciliation's outcome (from `npm run reconcile` or the backend's periodic run) in
 * `reconciliation_runs`, so every backend process and the dashboard see the last one.
 */
export async function recordReconciliation(db: Db, r: ReconcileReport, source: 'cli' | 'worker'): Promise<void> {
  const mismatched =
    r.missingInLedger.length +
    r.missingAtPsp.length +
    r.amountMismatch.length +
    r.duplicates.length +
    r.unbalanced.length;
  // Reconciliation's duplicates include credit grants; only the PSP's (several PaymentIntents) count here.
  const psp = r.duplicates.filter((d) => d.detail.includes('PaymentIntents')).length;
  await db.execute(sql`
    insert into reconciliation_runs (since, source, checked, matched, mismatched, psp_duplicates, applied)
    values (${r.since.toISOString()}, ${source}, ${r.checked}, ${r.matched}, ${mismatched}, ${psp}, ${r.applied})`);
}

export async function lastReconciliation(db: Db): Promise<ReconciliationRun | null> {
  const [row] = rowsOf<ReconciliationRun>(
    await db.execute(sql`
    select finished_at, source, checked, matched, mismatched, psp_duplicates
    from reconciliation_runs order by finished_at desc limit 1`),
  );
  if (!row) return null;
  return {
    ...row,
    finished_at: new Date(row.finished_at).toISOString(),
    checked: Number(row.checked),
    matched: Number(row.matched),
    mismatched: Number(row.mismatched),
    psp_duplicates: Number(row.psp_duplicates),
  };
}
