import { z } from 'zod';
import { LEVELS, CITIZENSHIPS, US_STATES, FIELD_SLUGS } from '../catalog/taxonomy.ts';

/** Limits of a listing: titles fit a results line; descriptions are a page of rich text. */
export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 20_000;
/** Largest single award we list; larger numbers are typos (an extra zero) more often than real. */
export const MAX_AMOUNT = 1_000_000;

/** Control characters other than tab/newline never belong in text, and search uses two as markers. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const text = (max: number) =>
  z
    .string()
    .transform((s) => s.replace(CONTROL, '').trim())
    .pipe(z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`));

const uniqueList = <T extends string>(item: z.ZodType<T>, max: number) =>
  z
    .array(item)
    .max(max)
    .transform((xs) => [...new Set(xs)].sort());

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-09-30')
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'must be a real calendar date',
  );

const fields = {
  title: text(MAX_TITLE),
  /** Rich text: basic HTML (`<b>`, `<p>`, lists, links) is kept as typed and sanitized when rendered. */
  description: text(MAX_DESCRIPTION),
  amount: z.number().int('must be whole dollars').min(1).max(MAX_AMOUNT),
  deadline: isoDate,
  levels: uniqueList(z.enum(LEVELS), LEVELS.length),
  fields: uniqueList(z.enum(FIELD_SLUGS as [string, ...string[]]), 10),
  min_gpa: z
    .number()
    .min(0)
    .max(4)
    .transform((g) => Math.round(g * 100) / 100)
    .nullable(),
  states: uniqueList(z.enum(US_STATES), US_STATES.length),
  citizenship: uniqueList(z.enum(CITIZENSHIPS), CITIZENSHIPS.length),
  essay_required: z.boolean(),
  published: z.boolean(),
  /** The workflow state; when given it decides `published` (only `published` is listed). */
  status: z.enum(['draft', 'published', 'closed']),
};

export const CreateListing = z.strictObject({
  ...fields,
  levels: fields.levels.default([]),
  fields: fields.fields.default([]),
  min_gpa: fields.min_gpa.default(null),
  states: fields.states.default([]),
  citizenship: fields.citizenship.default([]),
  essay_required: fields.essay_required.default(false),
  published: fields.published.default(true),
  status: fields.status.optional(),
});
export type CreateListing = z.infer<typeof CreateListing>;

export const UpdateListing = z
  .strictObject(fields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'send at least one field to change', path: ['(body)'] });
export type UpdateListing = z.infer<typeof UpdateListing>;
