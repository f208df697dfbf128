import type { AppDeps } from '../deps.ts';
import { stripeFor } from './psp.ts';
import { recoverOnce } from '../workers/recovery.ts';
import { OUTBOX_BATCH, relayOnce } from './settlement/7-outbox-relay.ts';
import { purgeIdempotencyKeys } from '../workers/purge.ts';
import { receiptMailer, creditAuditLog } from './settlement/8-consumers.ts';
import { mailTransportFor } from '../mail/index.ts';
import { observeRecovery } from '../ops/ops-workers.ts';

/** The relay polls this often; delivery lag is at most this plus the consumer's time. */
const OUTBOX_POLL_MS = 500;
/** Expired Idempotency-Key records are purged this often (retention is in hours, so hourly is plenty). */
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Runs `fn` now and then every `ms`, never overlapping itself; at once again while it returns `true` (more is due).
 * @internal exported for its tests
 */
export function every(ms: number, fn: () => Promise<unknown>, onError: (e: unknown) => void) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = fn()
      .catch(onError)
      .then((more) => {
        if (!stopped) timer = setTimeout(tick, more === true ? 0 : ms);
      });
  };
  timer = setTimeout(tick, 0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}

/**
 * Whether `work` settles within `ms`: shutdown waits this long for background rounds (server.ts), so a
 * round stuck on a query whose answer never comes cannot keep a stopping process up.
 */
export function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((r) => {
      timer = setTimeout(r, ms, false);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Background work of the payments domain, started by server.ts: recovery on start and every
 * PAYMENTS_RECOVERY_INTERVAL_SECONDS, the outbox relay, and the idempotency purge.
 */
export function startPaymentWorkers(deps: AppDeps): { stop(): Promise<void> } {
  const onError = (what: string) => (e: unknown) =>
    deps.log.error({ err: (e as Error).message }, `payments ${what} failed`);
  const stops: (() => Promise<void>)[] = [];
  const stripe = stripeFor(deps.env);
  if (stripe) {
    const ctx = { db: deps.db, stripe, env: deps.env, log: deps.log, observer: deps.phaseObserver };
    stops.push(
      every(
        deps.env.PAYMENTS_RECOVERY_INTERVAL_SECONDS * 1000,
        async () => {
          const r = await recoverOnce(ctx, { lockTimeoutMs: deps.env.IDEMPOTENCY_LOCK_TIMEOUT_SECONDS * 1000 });
          observeRecovery(r);
          if (r.keysResumed || r.purchasesSettled || r.refundsSettled || r.errors) {
            const { runId, ...counts } = r;
            deps.log.info({ request_id: runId, ...counts }, 'payments recovery round');
          }
        },
        onError('recovery'),
      ),
    );
  }
  const consumers = [
    receiptMailer({ mail: mailTransportFor(deps), publicUrl: deps.env.PUBLIC_URL }),
    creditAuditLog(deps.log),
  ];
  stops.push(
    every(
      OUTBOX_POLL_MS,
      async () => {
        const r = await relayOnce(deps.db, consumers, OUTBOX_BATCH, deps.log);
        return r.claimed === OUTBOX_BATCH; // a full batch: more may be due, go on without waiting
      },
      onError('outbox relay'),
    ),
  );
  stops.push(
    every(
      PURGE_INTERVAL_MS,
      () => purgeIdempotencyKeys(deps.db, deps.env.IDEMPOTENCY_RETENTION_HOURS),
      onError('idempotency purge'),
    ),
  );
  return {
    stop: async () => {
      await Promise.all(stops.map((s) => s()));
    },
  };
}
