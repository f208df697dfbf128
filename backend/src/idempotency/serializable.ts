import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { oneAtATime } from './one-at-a-time.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Each must be a transaction's first statement; see `withRetries`. */
const SET_ISOLATION = {
  serializable: sql`set transaction isolation level serializable`,
  readCommitted: sql`set transaction isolation level read committed`,
};

/** Retries of one SERIALIZABLE transaction before giving up: 50 racers on one key settle in a few. */
const SERIALIZABLE_MAX_ATTEMPTS = 12;
/** SQLSTATEs that mean "run the whole transaction again": serialization failure, deadlock, and a
 * unique violation raised by a concurrent insert that serializable snapshots did not yet see. */
const RETRYABLE = new Set(['40001', '40P01', '23505']);

/**
 * The SQLSTATE of a postgres.js / PGlite error, also when Drizzle wraps it in `cause`.
 * @internal exported for its tests
 */
export function pgCode(e: unknown): string | undefined {
  for (
    let cur = e as { code?: unknown; cause?: unknown } | undefined, i = 0;
    cur && i < 5;
    cur = cur.cause as typeof cur, i++
  ) {
    if (typeof cur.code === 'string' && /^[0-9A-Z]{5}$/.test(cur.code)) return cur.code;
  }
  return undefined;
}

/**
 * The `phases` lane. Postgres tracks serializable reads per index page while an index is small, so
 * two transactions that merely overlap in time and read and write the same few pages (two purchases
 * recording their PaymentIntents: the key and purchase indexes) nearly always abort one another,
 * and each retry overlaps the next arrival: 24 concurrent purchases without the lane aborted ~4
 * transactions per purchase and exhausted the retries of some (HTTP 500). Transactions of the lane
 * run one at a time in this process, so they commit first time; across processes SERIALIZABLE
 * decides and retries the loser (phases are short and touch one key and one resource each). The
 * lane only saves work: SERIALIZABLE still decides correctness. Settlement does not run here (see
 * `readCommitted`).
 */
type Lane = 'phases';
const lanes = oneAtATime();

export interface SerializableOptions {
  /** false: a unique violation is final (default: retried, see RETRYABLE). */
  retryUniqueViolation?: boolean;
  /** Queue behind other transactions of this lane in this process (retries included). */
  lane?: Lane;
}

/**
 * Runs `fn` in one SERIALIZABLE transaction, retrying the whole of it (with jittered backoff) on
 * serialization failures. `fn` must only touch the database: it may run several times.
 */
export function serializable<T>(db: Db, fn: (tx: Tx) => Promise<T>, opts: SerializableOptions = {}): Promise<T> {
  return opts.lane
    ? lanes(opts.lane, () => withRetries(db, fn, opts, SET_ISOLATION.serializable))
    : withRetries(db, fn, opts, SET_ISOLATION.serializable);
}

/**
 * Runs `fn` in one READ COMMITTED transaction, retried whole on a deadlock
 * or a unique violation (a concurrent insert of the same key: the retry sees it). For settlement
 * (payments/settlement/2-inbox.ts), whose every effect is decided under a row lock on its purchase
 * (SELECT … FOR UPDATE returns the row as last committed) and written under unique business keys,
 * and which chains its ledger writes at its end (ledger/chain.ts `deferChain`). `fn` must only
 * touch the database: it may run several times.
 */
export function readCommitted<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withRetries(db, fn, {}, SET_ISOLATION.readCommitted);
}

async function withRetries<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  opts: SerializableOptions,
  isolationLevel: SQL,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        // Sent with the transaction's first statement instead of before it, as Drizzle's
        // `isolationLevel` option does (its SET TRANSACTION is a round trip of its own): the driver
        // pipelines statements issued together on the transaction's connection, and they run in order.
        const isolation = tx.execute(isolationLevel);
        isolation.catch(() => {}); // awaited below; the statements after it fail too if it did
        const out = await fn(tx);
        await isolation;
        return out;
      });
    } catch (e) {
      const code = pgCode(e);
      const retry =
        code !== undefined && RETRYABLE.has(code) && (code !== '23505' || opts.retryUniqueViolation !== false);
      if (!retry || attempt >= SERIALIZABLE_MAX_ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 ** attempt, 100)));
    }
  }
}
