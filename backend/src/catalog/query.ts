import { z } from 'zod';
import { LEVELS, US_STATES, FIELD_SLUGS } from './taxonomy.ts';

/** Page sizes: 20 fits a results page; 100 bounds the work one request can ask for. */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** Longest search query: real queries are a few words; longer input is refused, not truncated. */
const MAX_QUERY_LENGTH = 200;

const STATE_SET = new Set<string>(US_STATES);
const FIELD_SET = new Set<string>(FIELD_SLUGS);
/** Control characters never carry meaning in a query and Postgres refuses NUL in text. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-09-30')
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'must be a real calendar date',
  );

/** Filters shared by the list, search and page routes (query-string values, coerced). */
const FilterShape = {
  level: z.enum(LEVELS).optional(),
  field: z
    .string()
    .trim()
    .toLowerCase()
    .refine((f) => FIELD_SET.has(f), 'must be a known field of study')
    .optional(),
  state: z
    .string()
    .trim()
    .toUpperCase()
    .refine((s) => STATE_SET.has(s), 'must be a two-letter US state code')
    .optional(),
  min_amount: z.coerce.number().int('must be a whole number').min(0).max(10_000_000).optional(),
  deadline_after: isoDate.optional(),
  /** Closed (past-deadline) scholarships are hidden unless this is `true`. */
  include_closed: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
};

const PageShape = {
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
};

const SORTS = ['deadline', 'amount', 'newest'] as const;
export type Sort = (typeof SORTS)[number];

export const ListQuery = z.strictObject({ ...FilterShape, ...PageShape, sort: z.enum(SORTS).default('deadline') });
export type ListQuery = z.infer<typeof ListQuery>;

export const SearchQuery = z.strictObject({
  ...FilterShape,
  ...PageShape,
  q: z
    .string()
    .transform((s) => s.replace(CONTROL_CHARS, ' ').trim())
    .pipe(
      z.string().min(1, 'must not be empty').max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`),
    ),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export type Filters = Pick<ListQuery, 'level' | 'field' | 'state' | 'min_amount' | 'deadline_after' | 'include_closed'>;
