import type { Db } from '../db/client.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Retries of one SERIALIZABLE transaction before giving up: 50 racers on one key settle in a few. */
export const SERIALIZABLE_MAX_ATTEMPTS = 12;
/** SQLSTATEs that mean "run the whole transaction again": serialization failure, deadlock, and a
 * unique violation raised by a concurrent insert that serializable snapshots did not yet see. */
const RETRYABLE = new Set(['40001', '40P01', '23505']);

/** The SQLSTATE of a postgres.js / PGlite error, also when Drizzle wraps it in `cause`. */
export function pgCode(e: unknown): string | undefined {
  for (let cur = e as { code?: unknown; cause?: unknown } | undefined, i = 0; cur && i < 5; cur = cur.cause as typeof cur, i++) {
    if (typeof cur.code === 'string' && /^[0-9A-Z]{5}$/.test(cur.code)) return cur.code;
  }
  return undefined;
}

/**
 * Runs `fn` in one SERIALIZABLE transaction, retrying the whole of it (with jittered backoff) on
 * serialization failures. `fn` must only touch the database: it may run several times.
 */
export async function serializable<T>(db: Db, fn: (tx: Tx) => Promise<T>, opts: { retryUniqueViolation?: boolean } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(fn, { isolationLevel: 'serializable' });
    } catch (e) {
      const code = pgCode(e);
      const retry = code !== undefined && RETRYABLE.has(code) && (code !== '23505' || opts.retryUniqueViolation !== false);
      if (!retry || attempt >= SERIALIZABLE_MAX_ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 ** attempt, 100)));
    }
  }
}
