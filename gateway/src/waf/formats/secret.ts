import { type FieldFormat, formatRule, longerThan, tooLong } from './types.ts';

/**
 * An opaque secret (password, token): hashed or compared, never interpreted, so any character is
 * fine (quotes, backticks, `$( )`, spaces, emoji) and no detector family applies. Only the length is
 * bounded, so a megabyte "password" cannot ride through uninspected.
 */
export const secret = {
  name: 'secret',
  rule: formatRule('secret', 'A field declared as a secret is longer than its bound'),
  compensates: 'all',
  defaultMaxLength: 1024,
  check: (raw, opts) => (longerThan(raw, opts.maxLength) ? tooLong(opts.maxLength) : null),
} satisfies FieldFormat;
