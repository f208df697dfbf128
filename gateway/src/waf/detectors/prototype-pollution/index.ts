import type { Detector, Match, RuleMeta } from '../../types.ts';
import { matchAt } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_PROTO_POLLUTION_001',
    family: 'prototype-pollution',
    severity: 'critical',
    paranoia: 1,
    description: 'Prototype pollution key (__proto__, constructor.prototype, constructor[prototype])',
  },
  {
    id: 'WAF_PROTO_POLLUTION_002',
    family: 'prototype-pollution',
    severity: 'error',
    paranoia: 2,
    description: '"prototype" or "constructor" as a key/parameter name',
  },
] as const satisfies readonly RuleMeta[];

const KEY_KINDS = new Set(['json_key', 'query_name', 'form_name', 'cookie_name']);

/**
 * In a value, the polluting key is followed by a path step, an assignment or a JSON/quote
 * delimiter (`__proto__[isAdmin]`, `constructor.prototype.x=`, `"__proto__":`) or ends the value;
 * prose about JavaScript ("__proto__ is a property") continues with a space and a word.
 */
function usedAsKey(s: string, after: number): boolean {
  return after >= s.length || '[].="\':)}/%&'.includes(s[after]);
}

/**
 * Prototype pollution: `__proto__` anywhere (keys, bracket names, dotted paths or serialized JSON
 * in values), and `constructor` followed by `prototype`. JSON keys arrive as `json_key` targets.
 */
export const prototypePollution = {
  name: 'prototype-pollution',
  rules: RULES,
  detect(target, views) {
    const v = target.value;
    // Nested JSON keys arrive one by one: `{"constructor": {"prototype": …}}` is the key `prototype`
    // under `constructor` (the engine never caches `prototype` as clean: rule 002 always matches it).
    const seg = target.segments;
    if (
      target.kind === 'json_key' &&
      v === 'prototype' &&
      seg &&
      seg.length >= 2 &&
      seg[seg.length - 2] === 'constructor'
    )
      return [matchAt('WAF_PROTO_POLLUTION_001', target, 0)];
    if (v.length < 9) {
      if (KEY_KINDS.has(target.kind) && (v === 'prototype' || v === 'constructor'))
        return [matchAt('WAF_PROTO_POLLUTION_002', target, 0)];
      return [];
    }
    const s = views.lower;
    const found: Match[] = [];
    const key = KEY_KINDS.has(target.kind);
    let k = views.has[95] ? s.indexOf('__proto__') : -1;
    while (k >= 0 && !key && !usedAsKey(s, k + 9)) k = s.indexOf('__proto__', k + 9);
    // `constructor` only counts before `prototype`: look for the rare-lettered `ype` first.
    if (k < 0 && s.includes('ype')) {
      let c = s.indexOf('constructor');
      while (c >= 0 && k < 0) {
        const p = s.indexOf('prototype', c + 11);
        if (p < 0) break;
        if (p - c <= 16 && (key || usedAsKey(s, p + 9))) k = c;
        c = s.indexOf('constructor', c + 11);
      }
    }
    if (k >= 0) found.push(matchAt('WAF_PROTO_POLLUTION_001', target, k));
    else if (KEY_KINDS.has(target.kind) && (s === 'prototype' || s === 'constructor'))
      found.push(matchAt('WAF_PROTO_POLLUTION_002', target, 0));
    return found;
  },
} satisfies Detector;
