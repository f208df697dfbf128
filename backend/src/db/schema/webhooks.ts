import { pgTable, text, timestamp, jsonb, index } from 'drizzle-orm/pg-core';

/** Webhook inbox: each PSP event stored once, in the same transaction as its effects. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    /** The PSP's event id (`evt_…`); the primary key makes a duplicate delivery a no-op. */
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    objectId: text('object_id'),
    /** `applied` | `ignored` (not ours or a type we do not act on). */
    outcome: text('outcome').notNull(),
    payload: jsonb('payload').notNull(),
    /** `X-Request-Id` of the delivery that stored the event (the gateway's id for Stripe's POST). */
    requestId: text('request_id'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhook_events_object_idx').on(t.objectId), index('webhook_events_request_idx').on(t.requestId)],
);
