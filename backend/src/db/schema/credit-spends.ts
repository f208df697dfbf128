import { pgTable, uuid, text, timestamp, integer, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

/**
 * What students spend credits on (see payments/spend.ts). Insert-only, like the ledger it mirrors
 * (triggers in drizzle/0008): the ledger's `credit_spend` transaction holds the money side, this
 * row says what was bought. Unique per (user, item, scholarship): a review is unlocked once.
 */
export const creditSpends = pgTable(
  'credit_spends',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    item: text('item', { enum: ['readiness_review'] }).notNull(),
    /**
     * No foreign key: a purchase record outlives catalog clean-ups (`db:seed --reset` truncates the
     * catalog, and spends are insert-only), like the ledger's ids.
     */
    scholarshipId: uuid('scholarship_id').notNull(),
    credits: integer('credits').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('credit_spends_user_item_key').on(t.userId, t.item, t.scholarshipId),
    index('credit_spends_user_idx').on(t.userId, t.createdAt),
  ],
);
