import { type FieldFormat, formatRule, longerThan, tooLong } from './types.ts';

/**
 * Free search text: people type quotes, OR, AND and `--` into search boxes, and the backend binds
 * the text as a parameter, so only SQL inspection is removed; every other family still applies.
 */
export const search = {
  name: 'search',
  rule: formatRule('search', 'A field declared as search text is longer than its bound'),
  compensates: ['sqli'],
  defaultMaxLength: 1024,
  check: (raw, opts) => (longerThan(raw, opts.maxLength) ? tooLong(opts.maxLength) : null),
} satisfies FieldFormat;
