import { type FieldFormat, formatRule, longerThan, tooLong } from './types.ts';

/** Lower-case letters and digits in runs joined by single hyphens; unambiguous, so linear. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A slug (`stem-futures-award`): nothing in it can be an attack, so no detector family applies. */
export const slug = {
  name: 'slug',
  rule: formatRule('slug', 'A field declared as a slug holds other characters'),
  compensates: 'all',
  defaultMaxLength: 128,
  check: (raw, opts) =>
    longerThan(raw, opts.maxLength)
      ? tooLong(opts.maxLength)
      : SLUG.test(raw)
        ? null
        : 'must be a slug (a-z, 0-9 and single hyphens)',
} satisfies FieldFormat;
