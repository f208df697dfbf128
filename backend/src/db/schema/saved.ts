import { pgTable, uuid, timestamp, primaryKey, index } from 'drizzle-orm/pg-core';
import { users } from './users.ts';
import { scholarships } from './scholarships.ts';

/** A student's saved ("bookmarked") scholarships; saving twice is one row. */
export const savedScholarships = pgTable(
  'saved_scholarships',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    scholarshipId: uuid('scholarship_id')
      .notNull()
      .references(() => scholarships.id, { onDelete: 'cascade' }),
    savedAt: timestamp('saved_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.scholarshipId] }),
    index('saved_scholarships_user_idx').on(t.userId, t.savedAt),
  ],
);
