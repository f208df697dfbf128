import { type FieldFormat, formatRule } from './types.ts';

/** One value from a fixed list (exact match): nothing else gets through, so no detector family applies. */
export const enumFormat = {
  name: 'enum',
  rule: formatRule('enum', 'A field declared as a list of values holds another value'),
  compensates: 'all',
  defaultMaxLength: 1024,
  check: (raw, opts) => (opts.values?.has(raw) ? null : 'must be one of the allowed values'),
} satisfies FieldFormat;
