/*
 * Needs (pre-check): `)` joined to `(` — `)(`, `) (`, `)\t(`, or through `!`, `|`, `&`.
 */
import type { Detector, RuleMeta } from '../../types.ts';
import { isAlphaCode, isWordCode, matchAt } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_LDAP_001',
    family: 'ldap',
    severity: 'critical',
    paranoia: 1,
    description:
      'LDAP filter injection (*)(uid=*, )(|(cn=, admin)(&(objectClass=*), a nested filter on an OID-style attribute admin)(!(&(1=0, absolute filter bar)(&), admin)(|)',
  },
  {
    id: 'WAF_LDAP_002',
    family: 'ldap',
    severity: 'critical',
    paranoia: 1,
    description: 'LDAP filter closed by a wildcard as the whole value (*), admin*)), *))%00): matches every entry',
  },
] as const satisfies readonly RuleMeta[];

/**
 * A value that is a name or nothing, then `*)` and only more `)`: it ends the application's filter
 * with a wildcard (`(uid=*)`) and closes the enclosing `(&…` early; what followed in the template is
 * cut off (by a NUL the normalizer already removed, or left dangling). Prose never ends in `*))`.
 */
function wildcardClose(s: string): number {
  let i = 0;
  while (i < s.length && i < 64 && (isWordCode(s.charCodeAt(i)) || s[i] === '.' || s[i] === '@' || s[i] === '-')) i++;
  if (s[i] !== '*' || s[i + 1] !== ')') return -1;
  let j = i + 2;
  while (s[j] === ')') j++;
  while (s[j] === ' ') j++;
  return j >= s.length ? i : -1;
}

/** After `(`: `&` or `|` alone, then `)` or the end: RFC 4526's absolute true/false filter `(&)`, `(|)`. */
function absoluteFilter(s: string, j: number): boolean {
  while (s[j] === ' ' || s[j] === '\t') j++;
  if (s[j] !== '&' && s[j] !== '|') return false;
  j++;
  while (s[j] === ' ' || s[j] === '\t') j++;
  return j >= s.length || s[j] === ')';
}

/**
 * LDAP filter breakout: a `)` closing the application's filter, optional `!`, `|`, `&` and `(`,
 * then `attribute=`, `~=`, `>=` or `<=`. Arithmetic such as `(a+b)*(c=d)` needs the `)(` join and an
 * attribute name, which prose and math rarely produce.
 */
export const ldapInjection = {
  name: 'ldap-injection',
  rules: RULES,
  detect(target, views) {
    const s = target.value;
    if (!views.has[41]) return [];
    const w = s.length <= 80 ? wildcardClose(s.trim()) : -1;
    if (w >= 0) return [matchAt('WAF_LDAP_002', target, w)];
    if (
      s.indexOf(')(') < 0 &&
      s.indexOf(')!(') < 0 &&
      s.indexOf(')|(') < 0 &&
      s.indexOf(')&(') < 0 &&
      s.indexOf(') (') < 0 &&
      s.indexOf(')\t(') < 0
    )
      return [];
    let k = s.indexOf(')');
    let n = 0;
    while (k >= 0 && n++ < 1024) {
      let j = k + 1;
      let ops = 0;
      while (
        j < s.length &&
        (s[j] === '!' || s[j] === '|' || s[j] === '&' || s[j] === ' ' || s[j] === '\t') &&
        ops < 4
      ) {
        j++;
        ops++;
      }
      if (s[j] === '(' && absoluteFilter(s, j + 1)) return [matchAt('WAF_LDAP_001', target, k)];
      if (s[j] === '(') {
        const open = j;
        while (s[j] === '(' || s[j] === '|' || s[j] === '&' || s[j] === '!') j++;
        // A nested filter (`)(!(&(1=0`) may test an OID-style attribute, which starts with a digit.
        const nested = j - open > 1;
        const a = j;
        while (j < s.length && j - a < 40 && (isWordCode(s.charCodeAt(j)) || s[j] === '-' || s[j] === '.')) j++;
        if (j > a && (isAlphaCode(s.charCodeAt(a)) || nested)) {
          const op = s[j] === '=' ? '=' : s.slice(j, j + 2);
          if (op === '=' || op === '~=' || op === '>=' || op === '<=') return [matchAt('WAF_LDAP_001', target, k)];
        }
      }
      k = s.indexOf(')', k + 1);
    }
    return [];
  },
} satisfies Detector;
