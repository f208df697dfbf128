import type { Db } from './db/client.ts';
import type { Env } from './env.ts';
import type { Logger } from './logger.ts';
import type { SigningKeys } from './auth/keys.ts';
import type { AccessClaims } from './auth/tokens.ts';
import type { PhaseObserver } from './idempotency/phase-driver.ts';

/** Everything a route module needs, built once in server.ts (or a test) and passed down. */
export interface AppDeps {
  db: Db;
  env: Env;
  log: Logger;
  keys: SigningKeys;
  /** Injectable clock for tests of expiry. */
  now: () => Date;
  /** Told each recovery point a payment phase commits; server.ts sets the crash hook here in e2e runs. */
  phaseObserver?: PhaseObserver;
}

declare module 'hono' {
  interface ContextVariableMap {
    requestId: string;
    /** Set by `requireAuth` / `optionalAuth`. */
    user: AccessClaims | undefined;
  }
}
