import { outboxMessages } from '../../db/schema/outbox.ts';
import type { Tx } from '../../idempotency/serializable.ts';

/** Topics written next to ledger effects; consumers are registered in workers/consumers.ts. */
export type OutboxTopic = 'credits.granted' | 'credits.revoked' | 'receipt.mail' | 'refund.processed';

/** Stages a message in the caller's transaction: it exists if and only if the effect committed. */
export async function enqueue(tx: Tx, topic: OutboxTopic, payload: Record<string, unknown>): Promise<void> {
  await tx.insert(outboxMessages).values({ topic, payload });
}
