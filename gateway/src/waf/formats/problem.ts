import type { FieldError } from '../../../../shared/errors.ts';
import type { Target, Verdict } from '../types.ts';
import { isFormatRule } from './registry.ts';

/** Field names are the operator's (waf.yaml) or short array indices; capped all the same. */
const PATH_CHARS = 100;

/** `$.user.email` → `user.email`; query and form fields by name; headers and cookies prefixed. */
function fieldPath(t: Target): string {
  let p: string;
  if (t.kind === 'json') p = t.name.replace(/^\$\.?/, '');
  else if (t.kind === 'header' || t.kind === 'cookie') p = `${t.kind}:${t.name}`;
  else p = t.name;
  return p.length > PATH_CHARS ? `${p.slice(0, PATH_CHARS)}…` : p;
}

/**
 * When a block's primary rule is a field format (`WAF_FORMAT_EMAIL_001`), the problem body names
 * the field and what it must be (`{ path: 'email', message: 'must be an email address' }`), never
 * the value; other blocks say nothing about where they matched.
 * @example problemResponse(c, v.primaryRule, { status: 403, errors: formatFieldErrors(v) })
 */
export function formatFieldErrors(v: Verdict): FieldError[] | undefined {
  if (!v.primaryRule || !isFormatRule(v.primaryRule)) return undefined;
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const m of v.matches) {
    if (!isFormatRule(m.ruleId)) continue;
    const path = fieldPath(m.target);
    if (seen.has(path)) continue;
    seen.add(path);
    errors.push({ path, message: m.excerpt });
  }
  return errors;
}
