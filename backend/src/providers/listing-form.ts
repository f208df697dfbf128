import type { Context } from 'hono';
import { MAX_FORM_BYTES } from '../auth/form.ts';
import { ProblemError } from '../http/problem.ts';
import { readBodyText } from '../http/validate.ts';
import { isFormContentType } from '../../../shared/media-types.ts';
import { CreateListing, MAX_AMOUNT, MAX_DESCRIPTION, MAX_TITLE } from './listing-schema.ts';

/** A description is up to 20,000 characters of rich text: the form may be bigger than a login form. */
const MAX_LISTING_FORM_BYTES = Math.max(MAX_FORM_BYTES, 4 * MAX_DESCRIPTION);

/** One plain-language message per field, shown next to it whatever the exact rule was. */
const FIELD_HELP: Record<string, string> = {
  title: `Enter a title of up to ${MAX_TITLE} characters.`,
  description: `Enter a description of up to ${MAX_DESCRIPTION.toLocaleString('en-US')} characters.`,
  amount: `Enter the award in whole dollars, from $1 to $${MAX_AMOUNT.toLocaleString('en-US')} (for example 2550 or $2,550).`,
  deadline: 'Enter the deadline as a real date, for example 2027-03-31.',
  levels: 'Choose levels from the list.',
  fields: 'Choose up to 10 fields of study from the list.',
  min_gpa: 'Enter a minimum GPA between 0 and 4 (for example 3.2), or leave it empty.',
  states: 'Enter two-letter US state codes separated by commas (for example CA, NY), or leave it empty for all states.',
  citizenship: 'Choose citizenship options from the list.',
  essay_required: 'Tick the box if an essay is required.',
};

/** What the form shows back: the raw text the provider typed, field by field. */
export interface ListingFormValues {
  title: string;
  description: string;
  amount: string;
  deadline: string;
  levels: string[];
  fields: string[];
  min_gpa: string;
  states: string;
  citizenship: string[];
  essay_required: boolean;
}

export type ListingFormResult =
  | { ok: true; data: CreateListing; values: ListingFormValues }
  | { ok: false; errors: Record<string, string>; values: ListingFormValues };

/** "$2,550", "2 550" and "2550" are the same whole-dollar amount; anything else is left for the schema to refuse. */
function dollars(raw: string): unknown {
  const t = raw.replace(/[\s$,]/g, '');
  return /^\d{1,9}$/.test(t) ? Number(t) : raw;
}

const number = (raw: string): unknown =>
  raw.trim() === '' ? null : /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;

/**
 * Reads the listing form (urlencoded; checkbox groups repeat their name, which this form allows)
 * and validates it with the API's schema, so the page and `POST /api/provider/scholarships`
 * accept exactly the same listings.
 */
export async function readListingForm(c: Context): Promise<ListingFormResult> {
  if (!isFormContentType(c.req.header('content-type')))
    throw new ProblemError('UNSUPPORTED_MEDIA_TYPE', 'Send the form as application/x-www-form-urlencoded');
  const f = new URLSearchParams(await readBodyText(c, MAX_LISTING_FORM_BYTES));
  const one = (k: string) => f.get(k) ?? '';
  const values: ListingFormValues = {
    title: one('title'),
    description: one('description'),
    amount: one('amount'),
    deadline: one('deadline').trim(),
    levels: f.getAll('levels'),
    fields: f.getAll('fields'),
    min_gpa: one('min_gpa'),
    states: one('states'),
    citizenship: f.getAll('citizenship'),
    essay_required: f.get('essay_required') === 'on',
  };
  const r = CreateListing.safeParse({
    title: values.title,
    description: values.description,
    amount: dollars(values.amount),
    deadline: values.deadline,
    levels: values.levels,
    fields: values.fields,
    min_gpa: number(values.min_gpa),
    states: values.states
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((x) => x.toUpperCase()),
    citizenship: values.citizenship,
    essay_required: values.essay_required,
    published: false,
  });
  if (r.success) return { ok: true, data: r.data, values };
  const errors: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const k = String(issue.path[0] ?? 'form');
    errors[k] ??= FIELD_HELP[k] ?? 'Check this field.';
  }
  return { ok: false, errors, values };
}

/** The stored listing as form values (for the edit page). */
export function listingValues(l: {
  title: string;
  description: string;
  amount: number;
  deadline: string;
  levels: string[];
  fields: string[];
  min_gpa: number | null;
  states: string[];
  citizenship: string[];
  essay_required: boolean;
}): ListingFormValues {
  return {
    title: l.title,
    description: l.description,
    amount: String(l.amount),
    deadline: l.deadline,
    levels: l.levels,
    fields: l.fields,
    min_gpa: l.min_gpa === null ? '' : l.min_gpa.toFixed(2),
    states: l.states.join(', '),
    citizenship: l.citizenship,
    essay_required: l.essay_required,
  };
}
