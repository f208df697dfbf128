import { eq, sql } from 'drizzle-orm';
import { idempotencyKeys } from '../db/schema/idempotency.ts';
import type { Db } from '../db/client.ts';
import { serializable, type Tx } from './serializable.ts';
import { rememberFinished } from './finished-keys.ts';

/**
 * What one phase decided (rocket-rides): nothing to record, a new recovery point, or the final
 * response. `passes`: the recovery point a response's commit also stands for, when recording a step
 * and finishing are one transaction (purchase: `payment_intent_created`).
 */
export type PhaseResult<P extends string> =
  | { kind: 'noop' }
  | { kind: 'recovery_point'; point: P; resourceId?: string }
  | { kind: 'response'; status: number; body: unknown; passes?: P };

export const recoveryPoint = <P extends string>(point: P, resourceId?: string): PhaseResult<P> => ({
  kind: 'recovery_point',
  point,
  resourceId,
});
export const response = <P extends string>(status: number, body: unknown, passes?: P): PhaseResult<P> => ({
  kind: 'response',
  status,
  body,
  ...(passes ? { passes } : {}),
});

/**
 * Thrown when another run took the key over (our lock looked stale to it): this run must stop at
 * once, before it writes or calls the PSP again; the other run finishes the request.
 */
export class LockLostError extends Error {
  constructor() {
    super('the idempotency key was taken over by another run');
  }
}

/**
 * One atomic phase: `fn` and the key's new state commit together in one SERIALIZABLE transaction
 * (retried whole on serialization failure), and only while this run still holds the key's lock
 * token. A response finishes the key and releases its lock. `drivePhases` (phase-driver.ts) loops
 * over them.
 */
export async function atomicPhase<P extends string>(
  db: Db,
  key: {
    id: string;
    lockToken: string | null;
    userId: string;
    operation: string;
    idempotencyKey: string;
    fingerprint: string;
  },
  fn: (tx: Tx) => Promise<PhaseResult<P>>,
): Promise<PhaseResult<P>> {
  const keyId = key.id;
  // Lane `phases`: concurrent phases of different keys read and rewrite the same few index pages
  // while the tables are young and aborted one another (8 at once cost 27 transactions); queued,
  // each commits first time (serializable.ts).
  const r = await serializable(
    db,
    async (tx) => {
      // The lock-token check goes out with `fn`'s first statement (pipelined, one round trip less)
      // and runs before it: `fn`'s writes happen under the key's row lock, and a run that lost the
      // key stops here, before the commit, its writes rolled back with the transaction.
      const check = tx
        .select({ lockToken: idempotencyKeys.lockToken })
        .from(idempotencyKeys)
        .where(eq(idempotencyKeys.id, keyId))
        .for('update')
        .execute();
      // Awaited only after `fn`'s first statements: without a handler attached now, its rejection
      // (a serialization failure, say) would be an unhandled rejection that ends the process.
      check.catch(() => {});
      const stillOurs = async () => {
        const [cur] = await check;
        if (!cur || cur.lockToken !== key.lockToken) throw new LockLostError();
      };
      let result: PhaseResult<P>;
      try {
        result = await fn(tx);
      } catch (e) {
        await stillOurs(); // a lost key is the answer, whatever `fn` ran into
        throw e;
      }
      await stillOurs();
      if (result.kind === 'recovery_point') {
        await tx
          .update(idempotencyKeys)
          .set({
            recoveryPoint: result.point,
            lastRunAt: sql`now()`,
            ...(result.resourceId ? { resourceId: result.resourceId } : {}),
          })
          .where(eq(idempotencyKeys.id, keyId));
      } else if (result.kind === 'response') {
        await tx
          .update(idempotencyKeys)
          .set({
            recoveryPoint: 'finished',
            lockedAt: null,
            lockToken: null,
            responseStatus: result.status,
            responseBody: result.body as object,
            lastRunAt: sql`now()`,
          })
          .where(eq(idempotencyKeys.id, keyId));
      }
      return result;
    },
    { lane: 'phases' },
  );
  if (r.kind === 'response')
    rememberFinished(
      db,
      { userId: key.userId, operation: key.operation, key: key.idempotencyKey },
      { fingerprint: key.fingerprint, status: r.status, body: r.body },
    );
  return r;
}
