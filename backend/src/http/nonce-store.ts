import { lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { gatewayNonces } from '../db/schema/gateway-nonces.ts';
import { SIGNATURE_MAX_AGE_SECONDS, SIGNATURE_MAX_SKEW_SECONDS } from '../../../shared/gateway-signature.ts';

/** Single-use request ids of signed gateway requests. A narrow port so tests can count claims. */
export interface NonceStore {
  /** True the first time `id` is claimed within the window, false on every replay. */
  claim(id: string): Promise<boolean>;
}

/**
 * How long an id is remembered: a signature is accepted from `t - skew` to `t + max age`, so an id
 * seen at any moment of that span must outlive the rest of it. Doubled for clock differences
 * between the backend and Postgres.
 */
const REMEMBER_SECONDS = 2 * (SIGNATURE_MAX_AGE_SECONDS + SIGNATURE_MAX_SKEW_SECONDS);
/** Purge at most this often per process: one indexed range delete, off the request path. */
const PURGE_INTERVAL_MS = 30_000;

/**
 * The nonce store in Postgres (shared by every backend process): one `INSERT … ON CONFLICT DO
 * NOTHING RETURNING` per signed request (a primary-key probe, ~0.1-0.3 ms on loopback), and a
 * periodic purge of rows older than the window that never delays a request.
 */
export function postgresNonceStore(db: Db, opts: { onPurgeError?: (e: unknown) => void } = {}): NonceStore {
  let lastPurge = 0;
  const purge = () => {
    lastPurge = Date.now();
    const cutoff = sql`now() - make_interval(secs => ${REMEMBER_SECONDS})`;
    db.delete(gatewayNonces)
      .where(lt(gatewayNonces.seenAt, cutoff))
      .then(
        () => {},
        (e) => opts.onPurgeError?.(e),
      );
  };
  return {
    async claim(id) {
      if (Date.now() - lastPurge > PURGE_INTERVAL_MS) purge();
      const rows = await db
        .insert(gatewayNonces)
        .values({ requestId: id })
        .onConflictDoNothing({ target: gatewayNonces.requestId })
        .returning({ id: gatewayNonces.requestId });
      return rows.length === 1;
    },
  };
}
