import type { FieldFormatName } from '../../config/schema/waf.ts';
import type { Family, RuleMeta } from '../types.ts';

/** Per-field options from waf.yaml, resolved at load. */
export interface FormatOptions {
  /** Longest value in code points. */
  maxLength: number;
  /** `enum` only: the allowed values. */
  values: ReadonlySet<string> | null;
}

/**
 * A field format: what an excluded field's value must be. The edge checks it instead of the
 * detector families the format `compensates` for; a value that fails is a match of `rule`
 * (critical, so it blocks on a block-mode route) whose excerpt is `check`'s message, never the value.
 */
export interface FieldFormat {
  name: FieldFormatName;
  rule: RuleMeta;
  /**
   * Families an exclusion may remove from a field of this format: `all` when the check leaves
   * nothing a detector could find (the value is opaque or fully constrained, so detectors do not run).
   */
  compensates: 'all' | readonly Family[];
  defaultMaxLength: number;
  /** null when `raw` (the value as the backend receives it) has the format; else a message for the client. */
  check(raw: string, opts: FormatOptions): string | null;
}

/** Code point count, stopping once past `max` (so a megabyte value costs no more than `max` steps). */
export function longerThan(s: string, max: number): boolean {
  if (s.length <= max) return false;
  if (s.length > 2 * max) return true; // every code point is at most two UTF-16 units
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    if (++n > max) return true;
  }
  return false;
}

export const tooLong = (max: number) => `must be at most ${max} characters`;

export function formatRule(name: string, description: string): RuleMeta {
  return {
    id: `WAF_FORMAT_${name.toUpperCase()}_001`,
    family: 'format',
    severity: 'critical',
    paranoia: 1,
    description,
  };
}
