import { eq, sql } from 'drizzle-orm';
import { idempotencyKeys } from '../db/schema/idempotency.ts';
import type { Db } from '../db/client.ts';
import { serializable, type Tx } from './serializable.ts';

/** What one phase decided (rocket-rides): nothing to record, a new recovery point, or the final response. */
export type PhaseResult<P extends string> =
  | { kind: 'noop' }
  | { kind: 'recovery_point'; point: P; resourceId?: string }
  | { kind: 'response'; status: number; body: unknown };

export const recoveryPoint = <P extends string>(point: P, resourceId?: string): PhaseResult<P> => ({ kind: 'recovery_point', point, resourceId });
export const response = <P extends string>(status: number, body: unknown): PhaseResult<P> => ({ kind: 'response', status, body });

/**
 * One atomic phase: `fn` and the key's new state commit together in one SERIALIZABLE transaction
 * (retried whole on serialization failure). A response finishes the key and releases its lock.
 * `afterCommit` runs once the phase is durable (the test-only crash hook lives there).
 */
export async function atomicPhase<P extends string>(
  db: Db,
  keyId: string,
  fn: (tx: Tx) => Promise<PhaseResult<P>>,
  afterCommit?: (r: PhaseResult<P>) => void,
): Promise<PhaseResult<P>> {
  const r = await serializable(db, async (tx) => {
    const result = await fn(tx);
    if (result.kind === 'recovery_point') {
      await tx.update(idempotencyKeys).set({ recoveryPoint: result.point, lastRunAt: sql`now()`, ...(result.resourceId ? { resourceId: result.resourceId } : {}) }).where(eq(idempotencyKeys.id, keyId));
    } else if (result.kind === 'response') {
      await tx.update(idempotencyKeys).set({ recoveryPoint: 'finished', lockedAt: null, responseStatus: result.status, responseBody: result.body as object, lastRunAt: sql`now()` }).where(eq(idempotencyKeys.id, keyId));
    }
    return result;
  });
  afterCommit?.(r);
  return r;
}
