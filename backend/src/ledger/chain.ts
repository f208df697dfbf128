import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.ts';
import type { Tx } from '../idempotency/serializable.ts';

type Reader = Db | Tx;

/** `prev_hash` of the first link: there is nothing before it. */
const CHAIN_GENESIS = '0'.repeat(64);
/**
 * Advisory lock key of the chain head (distinct from the test setup's 727274 and the gate's 727275
 * locks). Appends queue on it until the holder commits; the primary key on `seq` is what makes a
 * fork impossible, the lock only keeps racing writers from doing the work twice.
 */
const CHAIN_LOCK = 727_300;
/** Links checked per query by `verifyChain`. */
const VERIFY_BATCH = 1000;

/** The columns a transaction's canonical content is built from (`t` = ledger_transactions). */
const CANONICAL_COLUMNS = sql`t.id, t.kind, t.business_key, t.purchase_id, t.refund_id, t.source,
  (extract(epoch from t.created_at) * 1000000)::bigint::text as created_us,
  coalesce((select json_agg(json_build_array(e.account_id, e.currency, e.amount::text)
    order by e.account_id collate "C", e.currency collate "C", e.amount)
    from ledger_entries e where e.transaction_id = t.id), '[]'::json)::text as entries`;

type CanonicalRow = Record<'id' | 'kind' | 'business_key' | 'source' | 'created_us' | 'entries', string> & {
  purchase_id: string | null;
  refund_id: string | null;
};

/**
 * One transaction's content as hashed: its columns (created_at in microseconds) and its entries,
 * sorted so insertion order does not matter. JSON so no value can fake a field boundary.
 */
function canonicalOf(x: CanonicalRow): string {
  const entries = JSON.parse(x.entries) as unknown[];
  return JSON.stringify([x.id, x.kind, x.business_key, x.purchase_id, x.refund_id, x.source, x.created_us, entries]);
}

async function canonicalContent(db: Reader, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const r = await db.execute(
    sql`select ${CANONICAL_COLUMNS} from ledger_transactions t where t.id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`,
  );
  return new Map(rowsOf<CanonicalRow>(r).map((x) => [x.id, canonicalOf(x)]));
}

function linkHash(prevHash: string, content: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

/**
 * Appends transaction `id` (already inserted with its entries, in this transaction) to the chain:
 * one query takes the lock and reads the head and the content, one inserts the link. Under
 * SERIALIZABLE a writer that read a stale head fails on `seq` (or on a read/write conflict) and is
 * retried whole by `serializable()`; the chain cannot fork.
 */
export async function appendToChain(tx: Tx, id: string): Promise<void> {
  const [row] = rowsOf<CanonicalRow & { head_seq: string | null; head_hash: string | null }>(
    await tx.execute(sql`with chain_lock as (select pg_advisory_xact_lock(${CHAIN_LOCK}))
      select h.seq as head_seq, h.hash as head_hash, ${CANONICAL_COLUMNS}
      from chain_lock cross join ledger_transactions t
      left join lateral (select seq, hash from ledger_chain order by seq desc limit 1) h on true
      where t.id = ${id}::uuid`),
  );
  if (!row) throw new Error(`ledger transaction ${id} not found for chaining`);
  const prev = row.head_hash ?? CHAIN_GENESIS;
  await tx.execute(sql`insert into ledger_chain (seq, transaction_id, prev_hash, hash)
    values (${Number(row.head_seq ?? 0) + 1}, ${id}, ${prev}, ${linkHash(prev, canonicalOf(row))})`);
}

/** Ledger transactions written in a settlement transaction, chained at its end (`deferChain`). */
const deferred = new WeakMap<Tx, string[]>();

/**
 * Chain this transaction's ledger writes at its end instead of one by one. For READ COMMITTED
 * transactions (settlement, payments/settlement/2-inbox.ts): `postTransaction` collects the ids and
 * `append()`, the last statement before the commit, takes the chain's lock and then reads the head
 * in a statement of its own, whose snapshot (READ COMMITTED takes one per statement) is newer than
 * the lock: it sees the head the previous holder committed. So the chain's lock is held for two
 * round trips and the commit, not for the whole transaction; writers in every process queue on it
 * and none is aborted by it. A SERIALIZABLE transaction must not defer: its snapshot predates the
 * lock, and it would fail on `seq` and be retried.
 */
export function deferChain(tx: Tx): { append(): Promise<void> } {
  const ids: string[] = [];
  deferred.set(tx, ids);
  return {
    async append() {
      deferred.delete(tx);
      if (ids.length > 0) await appendAllToChain(tx, ids);
    },
  };
}

/** The collector of a transaction that chains at its end (`deferChain`), if any. */
export function deferredChainOf(tx: Tx): string[] | undefined {
  return deferred.get(tx);
}

/**
 * Appends `ids` (inserted with their entries in this READ COMMITTED transaction), in order. One
 * round trip sends three statements: their canonical content, the lock, then the head (read after
 * the lock is granted, see `deferChain`); a second inserts the links.
 */
async function appendAllToChain(tx: Tx, ids: string[]): Promise<void> {
  const [contents, , head] = await Promise.all([
    canonicalContent(tx, ids),
    tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`),
    tx.execute(sql`select seq, hash from ledger_chain order by seq desc limit 1`),
  ]);
  const [h] = rowsOf<{ seq: string; hash: string }>(head);
  let seq = Number(h?.seq ?? 0);
  let prev = h?.hash ?? CHAIN_GENESIS;
  const links = ids.map((id) => {
    const content = contents.get(id);
    if (content === undefined) throw new Error(`ledger transaction ${id} not found for chaining`);
    const hash = linkHash(prev, content);
    const link = sql`(${++seq}, ${id}::uuid, ${prev}, ${hash})`;
    prev = hash;
    return link;
  });
  await tx.execute(
    sql`insert into ledger_chain (seq, transaction_id, prev_hash, hash) values ${sql.join(links, sql`, `)}`,
  );
}

interface ChainBreak {
  /** The first link that does not verify (or 0 for a transaction outside the chain). */
  seq: number;
  transactionId: string;
  reason: 'content_changed' | 'prev_hash_mismatch' | 'seq_gap' | 'transaction_missing' | 'unchained_transaction';
}

export interface ChainReport {
  ok: boolean;
  links: number;
  /** The first break in seq order, then any transactions that have no link. */
  breaks: ChainBreak[];
  headHash: string;
}

/**
 * Walks the chain from the genesis: every link's `prev_hash` must be the previous link's hash, its
 * hash must match the transaction's current content, `seq` must have no gaps, and every ledger
 * transaction must be in the chain. Stops at the first broken link (everything after it is
 * unverifiable) but still lists unchained transactions.
 */
export async function verifyChain(db: Reader): Promise<ChainReport> {
  const breaks: ChainBreak[] = [];
  let prev = CHAIN_GENESIS;
  let expectedSeq = 1;
  let links = 0;
  walk: for (;;) {
    const batch = rowsOf<{ seq: string; transaction_id: string; prev_hash: string; hash: string }>(
      await db.execute(sql`select seq, transaction_id, prev_hash, hash from ledger_chain
        where seq >= ${expectedSeq} order by seq limit ${VERIFY_BATCH}`),
    );
    if (batch.length === 0) break;
    const contents = await canonicalContent(
      db,
      batch.map((l) => l.transaction_id),
    );
    for (const link of batch) {
      const seq = Number(link.seq);
      const at = { seq, transactionId: link.transaction_id };
      const content = contents.get(link.transaction_id);
      if (seq !== expectedSeq) breaks.push({ ...at, reason: 'seq_gap' });
      else if (link.prev_hash !== prev) breaks.push({ ...at, reason: 'prev_hash_mismatch' });
      else if (content === undefined) breaks.push({ ...at, reason: 'transaction_missing' });
      else if (linkHash(prev, content) !== link.hash) breaks.push({ ...at, reason: 'content_changed' });
      if (breaks.length) break walk;
      prev = link.hash;
      expectedSeq++;
      links++;
    }
  }
  const unchained = rowsOf<{ id: string }>(
    await db.execute(sql`select t.id from ledger_transactions t
      where not exists (select 1 from ledger_chain c where c.transaction_id = t.id) order by t.created_at limit 50`),
  );
  for (const u of unchained) breaks.push({ seq: 0, transactionId: u.id, reason: 'unchained_transaction' });
  return { ok: breaks.length === 0, links, breaks, headHash: prev };
}

/**
 * Chains ledger transactions written before the chain existed (migration 0008), oldest first, once:
 * only while the chain is empty, so a row slipped in later is reported by `verifyChain`, never
 * adopted. Runs at start on the owner's connection; returns how many it chained.
 */
export async function chainExistingTransactions(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`);
    const [any] = rowsOf(await tx.execute(sql`select 1 from ledger_chain limit 1`));
    if (any) return 0;
    const ids = rowsOf<{ id: string }>(
      await tx.execute(sql`select id from ledger_transactions order by created_at, id`),
    ).map((r) => r.id);
    for (const id of ids) await appendToChain(tx, id);
    return ids.length;
  });
}

export function formatChainReport(r: ChainReport): string {
  if (r.ok) return `ledger chain: OK (${r.links} links, head ${r.headHash.slice(0, 16)}…)`;
  const lines = [`ledger chain: BROKEN after ${r.links} verified links`];
  for (const b of r.breaks.slice(0, 20))
    lines.push(`  ${b.reason}: ${b.seq ? `link #${b.seq}, ` : ''}transaction ${b.transactionId}`);
  return lines.join('\n');
}
