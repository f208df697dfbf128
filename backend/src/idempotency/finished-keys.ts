import type { Db } from '../db/client.ts';

/**
 * Finished keys this process answered or replayed lately, so that a replay costs no database round
 * trip: on a busy host that round trip is most of a replay's time, and most of its tail. A finished
 * key never changes (its response is final), so what is remembered cannot go stale; only the purge
 * removes finished keys, and only after IDEMPOTENCY_RETENTION_HOURS (≥ 24 h), far beyond
 * FINISHED_KEY_TTL_MS. Another process that never saw the key reads it from the database once.
 */

/**
 * Long enough for a client's retries (seconds to minutes), short against the ≥ 24 h retention.
 * @internal exported for its tests
 */
export const FINISHED_KEY_TTL_MS = 5 * 60 * 1000;
/**
 * Bounds memory: about 1 KB per entry. The oldest entry goes first.
 * @internal exported for its tests
 */
export const FINISHED_KEY_MAX = 10_000;

/** All a replay needs: the request's fingerprint (a changed request is still a 422) and the response. */
export interface FinishedKey {
  fingerprint: string;
  status: number;
  body: unknown;
}

interface Entry extends FinishedKey {
  until: number;
}
export interface KeyName {
  userId: string;
  operation: string;
  key: string;
}

/** One memory per database handle (tests run several backends in one process). */
const memories = new WeakMap<Db, Map<string, Entry>>();
const nameOf = (k: KeyName) => `${k.userId}\n${k.operation}\n${k.key}`;

function memoryOf(db: Db): Map<string, Entry> {
  let m = memories.get(db);
  if (!m) {
    m = new Map();
    memories.set(db, m);
  }
  return m;
}

/** The remembered answer of a finished key, or undefined. */
export function recallFinished(db: Db, k: KeyName, now = Date.now()): FinishedKey | undefined {
  const m = memories.get(db);
  const e = m?.get(nameOf(k));
  if (!e) return undefined;
  if (e.until > now) return e;
  m!.delete(nameOf(k));
  return undefined;
}

/** Call only once the key's `finished` state has committed. */
export function rememberFinished(db: Db, k: KeyName, f: FinishedKey, now = Date.now()): void {
  const m = memoryOf(db);
  const name = nameOf(k);
  m.delete(name); // re-insert at the end: Map order is the eviction order
  if (m.size >= FINISHED_KEY_MAX) m.delete(m.keys().next().value!);
  m.set(name, { fingerprint: f.fingerprint, status: f.status, body: f.body, until: now + FINISHED_KEY_TTL_MS });
}

/** After a purge: a purged key must start a new request here too. */
export function forgetFinishedKeys(db: Db): void {
  memories.get(db)?.clear();
}
