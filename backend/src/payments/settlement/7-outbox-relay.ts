import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client.ts';
import type { Tx } from '../../idempotency/serializable.ts';
import type { Logger } from '../../logger.ts';
import { outboxConsumed } from '../../db/schema/outbox.ts';
import type { OutboxTopic } from './6-outbox.ts';

/**
 * After this many failed deliveries a message is dead-lettered (visible in /api/ops/payments).
 * @internal exported for its tests
 */
export const OUTBOX_MAX_ATTEMPTS = 8;
/** A claimed message is invisible to other relays this long; a relay that dies mid-batch loses only its lease. */
const OUTBOX_LEASE_SECONDS = 30;
/** Messages claimed per round: small batches keep the claim transaction short. */
export const OUTBOX_BATCH = 20;
/**
 * Messages of a round delivered at once: each delivery is a few round trips that mostly wait, so one
 * at a time a relay delivered ~40 messages a second under load, fewer than two per purchase at the
 * bench's purchase rate (a backlog of ~600 after 400 purchases). Bounded to leave the pool to requests.
 */
const OUTBOX_CONCURRENCY = 4;

/** Exponential backoff between attempts: 1 s, 2 s, 4 s … capped at 5 minutes. */
function outboxBackoffSeconds(attempts: number): number {
  return Math.min(2 ** Math.max(attempts - 1, 0), 300);
}

/** @internal exported for its tests */
export interface OutboxMessage {
  id: string;
  topic: OutboxTopic;
  payload: Record<string, unknown>;
  attempts: number;
  /** The request (or recovery/reconcile run) that enqueued it; consumers log it as `request_id`. */
  request_id: string | null;
}

/** A consumer's effect runs in a transaction with its dedupe row: a redelivered message is a no-op. */
export interface OutboxConsumer {
  name: string;
  topics: readonly OutboxTopic[];
  handle(tx: Tx, msg: OutboxMessage): Promise<void>;
  /**
   * Deliver a round's messages in one transaction (one dedupe insert, one commit) instead of one
   * each. Only for a consumer whose effects are all in the transaction, or harmless to repeat: if
   * one message fails, the round's transaction rolls back and its messages go one by one.
   */
  batch?: boolean;
}

/**
 * One relay round: claim due messages with FOR UPDATE SKIP LOCKED (several relays never take the
 * same one), deliver them to each consumer (in one transaction for a `batch` consumer, else
 * OUTBOX_CONCURRENCY at a time, one transaction each), then mark the delivered ones in one
 * statement, and retry the failed ones later with backoff or dead-letter them.
 * `claimed`: a full batch means more may be due (the caller runs the next round at once).
 * At least once: a crash after a consumer committed redelivers, and the consumer's
 * (consumer, message id) row turns that into a no-op. A failed delivery is logged under the
 * message's originating `request_id`, so the request's log lines lead to its dead letter.
 */
export async function relayOnce(
  db: Db,
  consumers: readonly OutboxConsumer[],
  batch = OUTBOX_BATCH,
  log?: Pick<Logger, 'warn' | 'error'>,
): Promise<{ claimed: number; delivered: number; retried: number; dead: number }> {
  const claimed = rowsOf<OutboxMessage>(
    await db.execute(sql`
    update outbox_messages set attempts = attempts + 1, available_at = now() + make_interval(secs => ${OUTBOX_LEASE_SECONDS})
    where id in (
      select id from outbox_messages where delivered_at is null and dead_at is null and available_at <= now()
      order by available_at limit ${batch} for update skip locked)
    returning id, topic, payload, attempts, request_id`),
  );
  const result = { claimed: claimed.length, delivered: 0, retried: 0, dead: 0 };
  const errors = new Map<string, unknown>();
  /** One transaction for `msgs`: the dedupe rows, then each fresh message's effect. */
  const deliverAll = (consumer: OutboxConsumer, msgs: OutboxMessage[]) =>
    db.transaction(async (tx) => {
      const fresh = await tx
        .insert(outboxConsumed)
        .values(msgs.map((m) => ({ consumer: consumer.name, messageId: m.id })))
        .onConflictDoNothing()
        .returning({ messageId: outboxConsumed.messageId });
      const ids = new Set(fresh.map((f) => f.messageId));
      for (const m of msgs) if (ids.has(m.id)) await consumer.handle(tx, m);
    });
  const oneByOne = async (consumer: OutboxConsumer, msgs: OutboxMessage[]) => {
    for (let next = 0; next < msgs.length; next += OUTBOX_CONCURRENCY)
      await Promise.all(
        msgs.slice(next, next + OUTBOX_CONCURRENCY).map((m) =>
          deliverAll(consumer, [m]).catch((e) => {
            if (!errors.has(m.id)) errors.set(m.id, e);
          }),
        ),
      );
  };
  for (const consumer of consumers) {
    const mine = claimed.filter((m) => consumer.topics.includes(m.topic));
    if (mine.length === 0) continue;
    if (consumer.batch && mine.length > 1) {
      const ok = await deliverAll(consumer, mine).then(
        () => true,
        () => false,
      );
      if (ok) continue;
    }
    await oneByOne(consumer, mine);
  }
  const delivered: string[] = [];
  for (const msg of claimed) {
    if (errors.has(msg.id)) await failed(db, msg, errors.get(msg.id), result, log);
    else delivered.push(msg.id);
  }
  // One statement for the round: a crash before it only redelivers what the consumers' dedupe rows
  // turn into no-ops once the lease ends.
  if (delivered.length > 0) {
    await db.execute(
      sql`update outbox_messages set delivered_at = now(), last_error = null where id in (${sql.join(
        delivered.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    );
    result.delivered = delivered.length;
  }
  return result;
}

/** A failed delivery: logged under the message's request id, then retried later with backoff or dead-lettered. */
async function failed(
  db: Db,
  msg: OutboxMessage,
  e: unknown,
  result: { retried: number; dead: number },
  log?: Pick<Logger, 'warn' | 'error'>,
): Promise<void> {
  const error = String((e as Error).message ?? e).slice(0, 500);
  const dead = msg.attempts >= OUTBOX_MAX_ATTEMPTS;
  const fields = {
    request_id: msg.request_id,
    outbox_message_id: msg.id,
    topic: msg.topic,
    attempts: msg.attempts,
    err: error,
  };
  if (dead) log?.error(fields, 'outbox message dead-lettered');
  else log?.warn(fields, 'outbox delivery failed; will retry');
  if (dead) {
    await db.execute(sql`update outbox_messages set dead_at = now(), last_error = ${error} where id = ${msg.id}`);
    result.dead++;
  } else {
    await db.execute(
      sql`update outbox_messages set available_at = now() + make_interval(secs => ${outboxBackoffSeconds(msg.attempts)}), last_error = ${error} where id = ${msg.id}`,
    );
    result.retried++;
  }
}
