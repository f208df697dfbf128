import type { FieldError } from '../../../shared/errors.ts';

/** "$2,550", "2 550", "2550" → "2550": people type amounts the way they read them. Cents are not whole dollars. */
export function wholeDollars(text: string): string {
  return text.replace(/[\s$,]/g, '');
}

/** What each query parameter's error says to a person (the API keeps the schema's exact wording). */
const PLAIN: Record<string, string> = {
  q: 'Type a few words to search for (at most 200 characters).',
  level: 'Choose a level of study from the list.',
  field: 'Choose a field of study from the list.',
  state: 'Choose a state from the list.',
  min_amount: 'Minimum amount must be a whole dollar amount, like 2550 or $2,550.',
  deadline_after: '“Deadline after” must be a real date, like 2026-09-30.',
  include_closed: 'Choose whether to include closed scholarships.',
  sort: 'Choose a sort order from the list.',
  limit: 'Results per page must be a whole number from 1 to 100.',
  cursor: 'This page link is out of date. Start again from the first page.',
};
const LABELS: Record<string, string> = {
  q: 'Search',
  level: 'Level',
  field: 'Field',
  state: 'State',
  min_amount: 'Min. amount',
  deadline_after: 'Deadline after',
  sort: 'Sort',
};

/** Schema errors of a filter or search form → one plain sentence per field, in form order. */
export function plainErrors(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = e.path.split('.')[0];
    if (seen.has(field)) continue;
    seen.add(field);
    out.push({ path: LABELS[field] ?? field, message: PLAIN[field] ?? 'Check this value and try again.' });
  }
  return out;
}

/** Cursors of the pages before this one, oldest first; a bound keeps links short. */
const MAX_BACK = 20;
const SEP = '~';
/** Stands for "the first page" (no cursor) in `back`; cursors are longer base64url strings. */
export const FIRST = '0';

/** The `back` parameter (cursors of earlier pages, FIRST for the first) as a list. */
export function backStack(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw.split(SEP).filter(Boolean).slice(-MAX_BACK);
}
export const joinBack = (xs: string[]) => xs.slice(-MAX_BACK).join(SEP);
