import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { forgetFinishedKeys } from '../idempotency/finished-keys.ts';

function count(r: unknown): number {
  return Number(
    (r as { count?: number; rowCount?: number; affectedRows?: number }).count ??
      (r as { rowCount?: number }).rowCount ??
      (r as { affectedRows?: number }).affectedRows ??
      0,
  );
}

/**
 * Deletes finished Idempotency-Key records older than the retention window (24-72 h). A key reused
 * after that starts a new request; the money it guards stays protected by the ledger's business
 * keys and the PSP idempotency key derived from our record ids. Unfinished keys are never purged:
 * recovery still owes them a result.
 */
export async function purgeIdempotencyKeys(db: Db, retentionHours: number): Promise<number> {
  const purged = count(
    await db.execute(
      sql`delete from idempotency_keys where recovery_point = 'finished' and created_at < now() - make_interval(hours => ${retentionHours})`,
    ),
  );
  if (purged > 0) forgetFinishedKeys(db);
  return purged;
}
