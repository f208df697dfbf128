/**
 * `npm run reconcile -- [--since 2026-11-01|--since 24h] [--apply] [--json]`: compares the ledger
 * with the PSP (PaymentIntents, charges, refunds, balance-transaction fees) and exits 1 on any
 * mismatch. Reads DATABASE_URL (unset → embedded PGlite under DATA_DIR) and STRIPE_SECRET_KEY /
 * STRIPE_API_BASE. Runbook: docs/runbooks/reconciliation.md.
 */
import { parseArgs } from 'node:util';
import { connect } from '../backend/src/db/client.ts';
import { createStripe } from '../backend/src/payments/psp.ts';
import { formatReport, reconcile, reconcileOk } from '../backend/src/payments/reconcile.ts';
import { recordReconciliation } from '../backend/src/ops/reconciliation-runs.ts';

/** `--since` accepts an ISO date or a relative `<n>h` / `<n>d`; the default looks back 30 days. */
export function parseSince(v: string | undefined, now = Date.now()): Date {
  if (!v) return new Date(now - 30 * 86_400_000);
  const rel = /^(\d+)([hd])$/.exec(v);
  if (rel) return new Date(now - Number(rel[1]) * (rel[2] === 'h' ? 3_600_000 : 86_400_000));
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`--since: not a date or <n>h/<n>d: ${v}`);
  return d;
}

async function main() {
  const { values } = parseArgs({
    options: {
      since: { type: 'string' },
      apply: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const stripe = createStripe({
    STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY,
    STRIPE_API_BASE: process.env.STRIPE_API_BASE,
  });
  if (!stripe) {
    console.error('reconcile: STRIPE_SECRET_KEY is not set');
    process.exit(2);
  }
  const database = await connect({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? '.data' });
  try {
    const report = await reconcile(database.db, stripe, { since: parseSince(values.since), apply: values.apply });
    // The ops dashboard shows the last run; a failure to record it must not hide the report.
    await recordReconciliation(database.db, report, 'cli').catch((e) =>
      console.error(`reconcile: could not record the run: ${(e as Error).message}`),
    );
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    process.exitCode = reconcileOk(report) ? 0 : 1;
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(`reconcile: ${(e as Error).message}`);
    process.exit(2);
  });
}
