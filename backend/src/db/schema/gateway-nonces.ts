import { pgTable, text, timestamp, index } from 'drizzle-orm/pg-core';

/**
 * Request ids of gateway-signed requests the backend has accepted, remembered for the signature
 * window so a captured request cannot be replayed (issue 14). In Postgres so that every backend
 * process shares it; rows older than the window are purged (http/nonce-store.ts). UNLOGGED in the
 * migration (drizzle has no flag for it): a Postgres crash forgets at most one window of ids.
 */
export const gatewayNonces = pgTable(
  'gateway_nonces',
  {
    requestId: text('request_id').primaryKey(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('gateway_nonces_seen_at_idx').on(t.seenAt)],
);
