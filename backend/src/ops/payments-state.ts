import { Gauge } from '../../../shared/ops/prometheus.ts';
import type { Db } from '../db/client.ts';
import { paymentsOpsSnapshot } from '../payments/ops.ts';
import { detectDuplicates, DUPLICATE_KINDS, totalDuplicates, type Duplicates } from './duplicates.ts';
import { lastReconciliation, type ReconciliationRun } from './reconciliation-runs.ts';
import { registry } from './metrics.ts';
import type { PaymentProblem } from '../payments/request-trace.ts';

/** Payments state read from the database (not counted in memory: it must agree across processes). */
export interface PaymentsState {
  outbox: { pending: number; lag_seconds: number; dead_letters: number };
  unfinished_keys: number;
  purchases_by_status: Record<string, number>;
  refunds_by_status: Record<string, number>;
  ledger_balanced: boolean;
  duplicates: Duplicates & { total: number };
  last_reconciliation: ReconciliationRun | null;
  /** Failed purchases/refunds, dead letters, unapplied webhooks, each with its request id. */
  recent_problems: PaymentProblem[];
}

/** Concurrent readers (a scrape and a dashboard view) share the read in flight; nothing older is served. */
const inFlight = new WeakMap<object, Promise<PaymentsState>>();

export function paymentsState(db: Db): Promise<PaymentsState> {
  const running = inFlight.get(db);
  if (running) return running;
  const value = read(db).finally(() => inFlight.delete(db));
  inFlight.set(db, value);
  return value;
}

async function read(db: Db): Promise<PaymentsState> {
  const [snap, dup, rec] = await Promise.all([paymentsOpsSnapshot(db), detectDuplicates(db), lastReconciliation(db)]);
  return {
    outbox: {
      pending: snap.outbox.pending,
      lag_seconds: snap.outbox.lag_seconds,
      dead_letters: snap.outbox.dead_letters,
    },
    unfinished_keys: snap.idempotency.unfinished,
    purchases_by_status: snap.purchases,
    refunds_by_status: snap.refunds,
    ledger_balanced: snap.ledger.balanced,
    duplicates: { ...dup, total: totalDuplicates(dup) },
    last_reconciliation: rec,
    recent_problems: snap.recent_problems,
  };
}

const gauge = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
  registry.register(new Gauge({ name, help, labelNames }));

const outboxPending = gauge('gatehouse_payments_outbox_pending', 'Outbox messages not yet delivered.');
const outboxLag = gauge('gatehouse_payments_outbox_lag_seconds', 'Age of the oldest undelivered outbox message.');
const outboxDead = gauge('gatehouse_payments_outbox_dead_letters', 'Outbox messages given up on (dead letters).');
const unfinishedKeys = gauge(
  'gatehouse_payments_idempotency_unfinished_keys',
  'Idempotency keys whose request has not reached its final recovery point.',
);
const purchasesByStatus = gauge('gatehouse_payments_purchases_by_status', 'Purchases by current status.', ['status']);
const duplicates = gauge(
  'gatehouse_payments_duplicates',
  'Money moved more than once, by kind (psp_charges, ledger_postings, credit_grants). Must read 0.',
  ['kind'],
);
const reconciledAt = gauge(
  'gatehouse_payments_reconciliation_last_run_timestamp_seconds',
  'When the last reconciliation finished (Unix time; 0 = never).',
);
const reconciledMatched = gauge(
  'gatehouse_payments_reconciliation_last_matched',
  'Records the last reconciliation matched.',
);
const reconciledMismatched = gauge(
  'gatehouse_payments_reconciliation_last_mismatched',
  'Findings of the last reconciliation (missing, amount mismatch, duplicate, unbalanced).',
);
const ledgerBalanced = gauge('gatehouse_payments_ledger_balanced', '1 when every ledger transaction balances.');

/** Sets the state gauges from a fresh read, right before `/metrics` renders them. */
export async function refreshPaymentGauges(db: Db): Promise<PaymentsState> {
  const s = await paymentsState(db);
  outboxPending.set(s.outbox.pending);
  outboxLag.set(s.outbox.lag_seconds);
  outboxDead.set(s.outbox.dead_letters);
  unfinishedKeys.set(s.unfinished_keys);
  purchasesByStatus.reset();
  for (const [status, n] of Object.entries(s.purchases_by_status)) purchasesByStatus.set({ status }, n);
  for (const kind of DUPLICATE_KINDS) duplicates.set({ kind }, s.duplicates[kind]);
  const rec = s.last_reconciliation;
  reconciledAt.set(rec ? Date.parse(rec.finished_at) / 1000 : 0);
  reconciledMatched.set(rec?.matched ?? 0);
  reconciledMismatched.set(rec?.mismatched ?? 0);
  ledgerBalanced.set(s.ledger_balanced ? 1 : 0);
  return s;
}
