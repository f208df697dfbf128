import { sql } from 'drizzle-orm';
import { pgTable, uuid, text, timestamp, integer, jsonb, index, primaryKey } from 'drizzle-orm/pg-core';

/** Outbox: side effects written in the same transaction as the ledger effects, relayed later. */
export const outboxMessages = pgTable(
  'outbox_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').notNull(),
    attempts: integer('attempts').notNull().default(0),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    deadAt: timestamp('dead_at', { withTimezone: true }),
    /**
     * The request whose transaction enqueued the message (an API request or a webhook delivery),
     * or the `recovery-…`/`reconcile-…` run id; consumers log it as `request_id`.
     */
    requestId: text('request_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('outbox_pending_idx').on(t.availableAt).where(sql`delivered_at is null and dead_at is null`),
    index('outbox_request_idx').on(t.requestId),
  ],
);

/** Consumers record each message id they handled, in the transaction of their effect: at-least-once in, once out. */
export const outboxConsumed = pgTable(
  'outbox_consumed',
  {
    consumer: text('consumer').notNull(),
    messageId: uuid('message_id').notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.messageId] })],
);
