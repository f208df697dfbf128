import {
  pgTable,
  uuid,
  text,
  timestamp,
  integer,
  date,
  numeric,
  boolean,
  index,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { providers } from './providers.ts';

/**
 * The catalog. Full-text search uses the generated `search_vector` column and trigram indexes
 * added by the custom migration 0001 (drizzle-kit does not model generated tsvector columns).
 */
export const scholarships = pgTable(
  'scholarships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id),
    title: text('title').notNull(),
    description: text('description').notNull(),
    /** Award in whole US dollars. */
    amount: integer('amount').notNull(),
    deadline: date('deadline').notNull(),
    /** Empty array = any level. Values: high_school, undergraduate, graduate, doctoral. */
    levels: text('levels').array().notNull().default([]),
    /** Empty array = any field of study. */
    fields: text('fields').array().notNull().default([]),
    minGpa: numeric('min_gpa', { precision: 3, scale: 2 }),
    /** Two-letter US state codes; empty = any state. */
    states: text('states').array().notNull().default([]),
    /** Accepted citizenship statuses; empty = any. Values: us_citizen, permanent_resident, international. */
    citizenship: text('citizenship').array().notNull().default([]),
    essayRequired: boolean('essay_required').notNull().default(false),
    /** Publicly listed: true exactly when `status` is `published` (the catalog's queries read this). */
    published: boolean('published').notNull().default(true),
    /**
     * The provider's workflow: draft (only its provider sees it, in preview), published, closed (no
     * longer listed; applications closed early). Filled from `published` by a trigger when an
     * insert leaves it out (drizzle/0008).
     */
    status: text('status', { enum: ['draft', 'published', 'closed'] }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('scholarships_slug_key').on(t.slug),
    index('scholarships_deadline_idx').on(t.deadline, t.id),
    index('scholarships_amount_idx').on(t.amount, t.id),
    index('scholarships_created_idx').on(t.createdAt, t.id),
    index('scholarships_provider_idx').on(t.providerId),
  ],
);
