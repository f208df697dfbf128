import type { Env } from '../env.ts';

/**
 * TEST ONLY. With `PAYMENTS_CRASH_AT=<recovery point>` the process kills itself (SIGKILL: no
 * cleanup, no graceful shutdown) right after that phase commits, so the e2e crash tests can prove
 * that restart recovery settles every purchase. Never set it in production.
 */
export function crashPoint(env: Pick<Env, 'PAYMENTS_CRASH_AT'>, point: string): void {
  if (env.PAYMENTS_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
