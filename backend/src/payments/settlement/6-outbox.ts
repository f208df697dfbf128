import { outboxMessages } from '../../db/schema/outbox.ts';
import type { Tx } from '../../idempotency/serializable.ts';

/** Topics written next to ledger effects; consumers are registered in workers/consumers.ts. */
export type OutboxTopic = 'credits.granted' | 'credits.revoked' | 'receipt.mail' | 'refund.processed';

/**
 * Stages a message (one per topic, in one statement) in the caller's transaction: it exists if and
 * only if the effect committed.
 * `requestId`: the request (or recovery/reconcile run) whose transaction this is, so the relay and
 * the consumers log under the id that caused the message (docs/payments.md, "Tracing a request").
 */
export async function enqueue(
  tx: Tx,
  topics: OutboxTopic | readonly OutboxTopic[],
  payload: Record<string, unknown>,
  requestId: string | null,
): Promise<void> {
  const all = typeof topics === 'string' ? [topics] : topics;
  await tx.insert(outboxMessages).values(all.map((topic) => ({ topic, payload, requestId })));
}
