import type { Context } from 'hono';
import type { z } from 'zod';
import { ProblemError } from '../http/problem.ts';
import { readBodyText } from '../http/validate.ts';
import { isFormContentType } from '../../../shared/media-types.ts';

/** Our forms hold a few short fields; anything bigger is not from them. */
export const MAX_FORM_BYTES = 16 * 1024;

/** Field name → first message, for inline display next to each input. */
export type FormErrors = Partial<Record<string, string>>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FormErrors; values: Record<string, string> };

/**
 * Reads an `application/x-www-form-urlencoded` body (what a form sends without JavaScript) and
 * validates it with the same strict schema as the JSON API. A repeated field is an error, not a
 * silent pick. Errors come back as values so the page can re-render the form with them.
 */
export async function readForm<T extends z.ZodType>(c: Context, schema: T): Promise<FormResult<z.infer<T>>> {
  return validateForm(await readFormFields(c), schema);
}

/** The raw fields of a urlencoded body; a repeated name is kept as an error marker. */
export async function readFormFields(c: Context): Promise<{ values: Record<string, string>; repeated: string[] }> {
  if (!isFormContentType(c.req.header('content-type')))
    throw new ProblemError('UNSUPPORTED_MEDIA_TYPE', 'Send the form as application/x-www-form-urlencoded');
  const params = new URLSearchParams(await readBodyText(c, MAX_FORM_BYTES));
  const values: Record<string, string> = {};
  const repeated: string[] = [];
  for (const [k, v] of params) {
    if (k in values) repeated.push(k);
    values[k] = v;
  }
  return { values, repeated };
}

export function validateForm<T extends z.ZodType>(
  fields: { values: Record<string, string>; repeated: string[] },
  schema: T,
): FormResult<z.infer<T>> {
  const { values } = fields;
  const errors: FormErrors = {};
  for (const k of fields.repeated) errors[k] = 'was sent more than once';
  const r = schema.safeParse(values);
  if (r.success && fields.repeated.length === 0) return { ok: true, data: r.data };
  for (const issue of r.success ? [] : r.error.issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [String(issue.path[0] ?? 'form')];
    for (const k of keys) {
      errors[k] ??=
        issue.code === 'unrecognized_keys'
          ? 'is not a field of this form'
          : values[k] === undefined
            ? 'is required'
            : issue.message;
    }
  }
  return { ok: false, errors, values };
}
