import type { AppDeps } from '../deps.ts';
import { stripeFor } from '../payments/psp.ts';
import { reconcile } from '../payments/reconcile.ts';
import type { RecoveryReport } from '../workers/recovery.ts';
import { recoveryResumed, recoveryRuns } from './metrics.ts';
import { recordReconciliation } from './reconciliation-runs.ts';

/** The backend's own reconciliation looks this far back (the CLI's default is 30 days). */
const RECONCILE_LOOKBACK_MS = 24 * 3_600_000;

/** Counts one recovery round and what it resumed (called by the payments workers). */
export function observeRecovery(r: RecoveryReport): void {
  recoveryRuns.inc({ result: r.errors ? 'errors' : 'ok' });
  if (r.keysResumed) recoveryResumed.inc({ what: 'keys' }, r.keysResumed);
  if (r.purchasesSettled) recoveryResumed.inc({ what: 'purchases' }, r.purchasesSettled);
  if (r.refundsSettled) recoveryResumed.inc({ what: 'refunds' }, r.refundsSettled);
}

/**
 * Reconciles the last 24 hours every RECONCILE_INTERVAL_MINUTES (read-only: it reports, never
 * applies), so the dashboard's "last reconciliation" and the PSP-side duplicates stay current
 * without anyone running `npm run reconcile`. Off without Stripe or with an interval of 0.
 */
export function startOpsWorkers(deps: AppDeps): { stop(): Promise<void> } {
  const stripe = stripeFor(deps.env);
  const minutes = deps.env.RECONCILE_INTERVAL_MINUTES;
  if (!stripe || minutes === 0) return { stop: async () => {} };
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = reconcile(deps.db, stripe, { since: new Date(Date.now() - RECONCILE_LOOKBACK_MS) })
      .then((r) => recordReconciliation(deps.db, r, 'worker'))
      .catch((e) => deps.log.warn({ err: (e as Error).message }, 'periodic reconciliation failed; next round retries'));
  };
  // First run shortly after start (recovery settles leftovers first), then on the interval.
  const first = setTimeout(tick, 10_000);
  const timer = setInterval(tick, minutes * 60_000);
  first.unref();
  timer.unref();
  return {
    stop: async () => {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
