import { pgTable, uuid, text, timestamp, integer, jsonb, index, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Idempotency keys of money-moving requests (rocket-rides style): one row per (user, key,
 * operation) holding the request fingerprint, the recovery point reached, the lock, and the final
 * response once `recovery_point = 'finished'`.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    operation: text('operation').notNull(),
    /** SHA-256 of the canonical request (method, path, body). */
    fingerprint: text('fingerprint').notNull(),
    /** What the phases need to resume: path params and the validated body. */
    requestParams: jsonb('request_params').notNull(),
    recoveryPoint: text('recovery_point').notNull(),
    lockedAt: timestamp('locked_at', { withTimezone: true }),
    /** Who holds the lock: each run (first or takeover) gets a new token, and every phase checks it is still theirs. */
    lockToken: uuid('lock_token'),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    /** The purchase or refund this key created. */
    resourceId: uuid('resource_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastRunAt: timestamp('last_run_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('idempotency_keys_user_key_op_key').on(t.userId, t.idempotencyKey, t.operation),
    index('idempotency_keys_unfinished_idx').on(t.recoveryPoint, t.lastRunAt),
    index('idempotency_keys_created_idx').on(t.createdAt),
  ],
);
