import type Stripe from 'stripe';
import type { Db } from '../db/client.ts';
import type { Env } from '../env.ts';
import type { Logger } from '../logger.ts';
import type { PhaseObserver } from '../idempotency/phase-driver.ts';

/** What payment flows need: the database, a configured Stripe SDK, env and log. */
export interface PaymentsContext {
  db: Db;
  stripe: Stripe;
  env: Env;
  log: Logger;
  /** Told each recovery point a phase commits (`AppDeps.phaseObserver`). */
  observer?: PhaseObserver;
}
