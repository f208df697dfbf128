import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { LEDGER_WRITE_LOCK } from '../ledger/chain.ts';
import { oneAtATime } from './one-at-a-time.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Must be a transaction's first statement; see `withRetries`. */
const SET_SERIALIZABLE = sql`set transaction isolation level serializable`;

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
 * Lanes. Postgres tracks serializable reads per index page while an index is small (a new or
 * young ledger fits in a few pages), so two transactions that merely overlap in time and read and
 * write the same few pages (webhooks for different purchases: the inbox, purchase and ledger
 * indexes; two purchases recording their PaymentIntents: the key and purchase indexes) nearly
 * always abort one another, and each retry overlaps the next arrival. With the PSP's bursts of
 * events this snowballed: 100 sequential purchases with their webhooks cost ~1,200 aborted
 * transactions, up to 18 open at once, and purchase p50 went from ~20 to ~60 ms; 24 concurrent
 * purchases without the `phases` lane aborted ~4 transactions per purchase and exhausted the
 * retries of some (HTTP 500). Transactions that name the same lane run one at a time in this
 * process, so they commit first time; across processes see LANE_LOCKS. Lanes only save work:
 * SERIALIZABLE still decides correctness.
 */
type Lane = 'ledger' | 'phases';
const lanes = oneAtATime();

/**
 * The first statement of a lane's transactions, queueing them across processes too. `ledger`:
 * every ledger write appends to the one hash chain (ledger/chain.ts), so two processes' ledger
 * transactions that overlap cannot both commit: without this the later one aborted once the other
 * committed (3 aborted transactions per purchase with 3 processes). LOCK TABLE takes no snapshot,
 * so a transaction that waited reads the chain as the previous writer left it and commits first
 * time (chain.ts LEDGER_WRITE_LOCK). `phases` are short and touch one key and one resource each:
 * across processes SERIALIZABLE decides, and retries the loser.
 */
const LANE_LOCKS: Record<Lane, SQL | null> = {
  ledger: LEDGER_WRITE_LOCK,
  phases: null,
};

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
  return opts.lane ? lanes(opts.lane, () => withRetries(db, fn, opts)) : withRetries(db, fn, opts);
}

async function withRetries<T>(db: Db, fn: (tx: Tx) => Promise<T>, opts: SerializableOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const lock = opts.lane ? LANE_LOCKS[opts.lane] : null;
      return await db.transaction(async (tx) => {
        // Sent with the transaction's first statement instead of before it, as Drizzle's
        // `isolationLevel` option does (its SET TRANSACTION is a round trip of its own): the driver
        // pipelines statements issued together on the transaction's connection, and they run in order.
        const isolation = tx.execute(SET_SERIALIZABLE);
        isolation.catch(() => {}); // awaited below; the statements after it fail too if it did
        const out = lock ? await tx.execute(lock).then(() => fn(tx)) : await fn(tx);
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
