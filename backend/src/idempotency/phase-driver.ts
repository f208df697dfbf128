import { eq } from 'drizzle-orm';
import { idempotencyKeys } from '../db/schema/idempotency.ts';
import type { Db } from '../db/client.ts';
import type { PhaseResult } from './atomic-phase.ts';
import type { IdempotencyKeyRow } from './key-store.ts';

/** The answer a finished key gives: the stored status and body. */
export interface Outcome {
  status: number;
  body: unknown;
}

/**
 * One step of a state machine: runs from its recovery point (with the resource the key points at)
 * and returns what its atomic phase committed. A phase that calls the PSP does so outside any
 * transaction, then commits the answer as one atomic phase.
 */
type Phase<P extends string> = (resourceId: string | null) => Promise<PhaseResult<P>>;

/** The machine: one phase per recovery point other than `finished` (which only reads the answer). */
export type Phases<P extends string> = { [K in Exclude<P, 'finished'>]: Phase<P> };

/**
 * Told each recovery point a commit passed, once the commit is durable: `operation` is the key's
 * (`purchase.create`, …). Built in server.ts; the e2e crash tests use it to SIGKILL the process at a
 * chosen point (`payments/crash-hook.ts`). Production runs without one.
 */
export type PhaseObserver = (operation: string, point: string) => void;

/**
 * Drives a key from its recovery point to `finished` (rocket-rides' loop over atomic phases): each
 * phase's commit moves the key on, so a crash anywhere resumes here, from the client's retry or from
 * recovery. A `noop` re-reads the key (another commit moved it); a point with no phase raises.
 */
export async function drivePhases<P extends string>(
  db: Db,
  key: IdempotencyKeyRow,
  phases: Phases<P>,
  observer?: PhaseObserver,
): Promise<Outcome> {
  let point = key.recoveryPoint;
  let resourceId = key.resourceId;
  for (;;) {
    if (point === 'finished') {
      const [k] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.id, key.id));
      return { status: k.responseStatus!, body: k.responseBody };
    }
    const phase = Object.hasOwn(phases, point) ? (phases as Record<string, Phase<P>>)[point] : undefined;
    if (!phase) throw new Error(`unknown ${key.operation} recovery point: ${point}`);
    const r = await phase(resourceId);
    if (r.kind === 'noop') {
      const [k] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.id, key.id));
      if (k.recoveryPoint === point) throw new Error(`${key.operation} phase ${point} made no progress`);
      point = k.recoveryPoint;
      resourceId = k.resourceId;
      continue;
    }
    if (r.kind === 'recovery_point') {
      observer?.(key.operation, r.point);
      point = r.point;
      resourceId = r.resourceId ?? resourceId;
      continue;
    }
    if (r.passes) observer?.(key.operation, r.passes);
    observer?.(key.operation, 'finished');
    return { status: r.status, body: r.body };
  }
}
