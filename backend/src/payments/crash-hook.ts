import type { Env } from '../env.ts';
import type { PhaseObserver } from '../idempotency/phase-driver.ts';

/**
 * TEST ONLY. With `PAYMENTS_CRASH_AT=<recovery point>` (a purchase point, or `refund.<point>`)
 * server.ts installs this observer: the process kills itself (SIGKILL: no cleanup, no graceful
 * shutdown) right after a purchase or refund commit passes that point, so the crash tests and the
 * launch gate can prove that restart recovery settles every payment. Nothing in the payment code
 * imports it. Never set it in production.
 */
export function crashObserver(at: NonNullable<Env['PAYMENTS_CRASH_AT']>): PhaseObserver {
  const [operation, point] = at.startsWith('refund.') ? ['refund.create', at.slice(7)] : ['purchase.create', at];
  return function crashAt(op, passed) {
    if (op === operation && passed === point) process.kill(process.pid, 'SIGKILL');
  };
}
