import type { Env } from '../env.ts';
import type { PhaseObserver } from '../idempotency/phase-driver.ts';

/**
 * TEST ONLY. With `PAYMENTS_CRASH_AT=<recovery point>` server.ts installs this observer: the process
 * kills itself (SIGKILL: no cleanup, no graceful shutdown) right after a purchase commit passes that
 * point, so the e2e crash tests can prove that restart recovery settles every purchase. Nothing in
 * the payment code imports it. Never set it in production.
 */
export function crashObserver(point: NonNullable<Env['PAYMENTS_CRASH_AT']>): PhaseObserver {
  return function crashAt(operation, passed) {
    if (operation === 'purchase.create' && passed === point) process.kill(process.pid, 'SIGKILL');
  };
}
