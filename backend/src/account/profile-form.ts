import {
  CITIZENSHIPS,
  LEVELS,
  MAX_FIELD_OF_STUDY_LENGTH,
  MAX_INTEREST_LENGTH,
  MAX_INTERESTS,
  StudentProfileInput,
  US_STATES,
} from '../me/student-profile.ts';
import type { FormErrors } from '../auth/form.ts';

const PROFILE_FIELDS = ['level', 'field_of_study', 'gpa', 'state', 'citizenship', 'interests'] as const;

/** "3.4", "3.45", ".9", "4": a GPA as people type it on the US 4.0 scale. */
const GPA_TEXT = /^(\d(\.\d{0,2})?|\.\d{1,2})$/;

export type ProfileFormResult = { ok: true; data: StudentProfileInput } | { ok: false; errors: FormErrors };

/**
 * The /account profile form → the same `StudentProfileInput` the API takes, with messages a student
 * understands ("GPA must be a number from 0 to 4, like 3.4") instead of schema text. Empty fields
 * mean "not set". Interests are one text box, separated by commas.
 */
export function parseProfileForm(values: Record<string, string>, repeated: string[]): ProfileFormResult {
  const errors: FormErrors = {};
  for (const k of repeated) errors[k] = 'This field was sent more than once. Reload the page and try again.';
  for (const k of Object.keys(values))
    if (!(PROFILE_FIELDS as readonly string[]).includes(k)) errors.form = 'The form had an unexpected field.';
  const text = (k: string) => (values[k] ?? '').trim();
  const out: Record<string, unknown> = {};

  const level = text('level');
  if (level && !(LEVELS as readonly string[]).includes(level))
    errors.level = 'Choose your level of study from the list.';
  out.level = level || null;

  const field = text('field_of_study');
  if (field.length > MAX_FIELD_OF_STUDY_LENGTH)
    errors.field_of_study = `Field of study must be at most ${MAX_FIELD_OF_STUDY_LENGTH} characters.`;
  out.field_of_study = field || null;

  const gpa = text('gpa').replace(',', '.');
  if (gpa && (!GPA_TEXT.test(gpa) || Number(gpa) > 4))
    errors.gpa = 'GPA must be a number from 0 to 4, like 3.4. Leave it empty if you do not have one.';
  out.gpa = gpa ? Number(gpa) : null;

  const state = text('state').toUpperCase();
  if (state && !(US_STATES as readonly string[]).includes(state)) errors.state = 'Choose your state from the list.';
  out.state = state || null;

  const citizenship = text('citizenship');
  if (citizenship && !(CITIZENSHIPS as readonly string[]).includes(citizenship))
    errors.citizenship = 'Choose your citizenship status from the list.';
  out.citizenship = citizenship || null;

  const interests = text('interests')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (interests.length > MAX_INTERESTS)
    errors.interests = `List at most ${MAX_INTERESTS} interests, separated by commas.`;
  else if (interests.some((x) => x.length > MAX_INTEREST_LENGTH))
    errors.interests = `Each interest must be at most ${MAX_INTEREST_LENGTH} characters.`;
  out.interests = interests;

  if (Object.keys(errors).length) return { ok: false, errors };
  const parsed = StudentProfileInput.safeParse(out);
  // Everything the schema checks was checked above in plain words; this only normalises.
  if (!parsed.success) return { ok: false, errors: { form: 'Please check the fields and try again.' } };
  return { ok: true, data: parsed.data };
}
