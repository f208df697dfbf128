import type { FieldSelector, WafExclusion } from '../config/schema/waf.ts';
import type { RuleMeta, Target } from './types.ts';
import { jsonPathSegments, matchJsonPath, matchSegments, routeSegments } from './glob.ts';

/** A compiled exclusion: sets and segment patterns, so checking a match is a few lookups. */
export interface CompiledExclusion {
  id: string;
  ruleIds: ReadonlySet<string>;
  families: ReadonlySet<string>;
  routes: readonly (readonly string[])[] | null;
  methods: ReadonlySet<string> | null;
  fields: readonly ((t: Target) => boolean)[] | null;
  /** Source entry, for lint (does it select anything?) and explain. */
  source: WafExclusion;
}

/** The last path segment that is a key (not an index): `$.users[2].password` → `password`. */
function leafKey(t: Target): string | null {
  const s = t.segments;
  if (!s) return null;
  for (let i = s.length - 1; i >= 0; i--) if (!s[i].startsWith('[')) return s[i];
  return null;
}

/** Field selector → predicate over targets. Selectors address values, never the keys. */
function compileSelector(sel: FieldSelector): (t: Target) => boolean {
  if ('json' in sel) {
    const pattern = jsonPathSegments(sel.json);
    if (!pattern) throw new Error(`invalid JSON path ${sel.json}`);
    return (t) => t.kind === 'json' && t.segments !== undefined && matchJsonPath(pattern, t.segments);
  }
  if ('query' in sel) return (t) => t.kind === 'query' && t.name === sel.query;
  if ('form' in sel) return (t) => (t.kind === 'form' || t.kind === 'multipart') && t.name === sel.form;
  if ('header' in sel) {
    const h = sel.header.toLowerCase();
    return (t) => t.kind === 'header' && t.name === h;
  }
  if ('cookie' in sel) return (t) => t.kind === 'cookie' && t.name === sel.cookie;
  if ('path' in sel) return (t) => t.kind === 'path';
  const f = sel.field.toLowerCase();
  return (t) => {
    switch (t.kind) {
      case 'query':
      case 'form':
      case 'multipart':
      case 'cookie':
        return t.name.toLowerCase() === f;
      case 'json':
        return leafKey(t)?.toLowerCase() === f;
      default:
        return false;
    }
  };
}

/**
 * Compiles the exclusions; `checkRef` validates each removed rule id or family against the
 * registered rules. Expired entries are dropped with a warning: an expiry is a promise to re-tune.
 */
export function compileExclusions(
  list: readonly WafExclusion[],
  checkRef: (ref: string) => void,
  today: string,
  warnings: string[],
): CompiledExclusion[] {
  const out: CompiledExclusion[] = [];
  for (const e of list) {
    e.remove.forEach(checkRef);
    if (e.expires && e.expires < today) {
      warnings.push(`exclusions ${e.id}: expired on ${e.expires}, ignored`);
      continue;
    }
    let fields: ((t: Target) => boolean)[] | null;
    try {
      fields = e.fields ? e.fields.map(compileSelector) : null;
    } catch (err) {
      throw new Error(`exclusions ${e.id}: ${(err as Error).message}`);
    }
    out.push({
      id: e.id,
      ruleIds: new Set(e.remove.filter((r) => r.startsWith('WAF_'))),
      families: new Set(e.remove.filter((r) => !r.startsWith('WAF_'))),
      routes: e.routes ? e.routes.map(routeSegments) : null,
      methods: e.methods ? new Set(e.methods) : null,
      fields,
      source: e,
    });
  }
  return out;
}

/** Exclusions that apply to this route and method (computed once per request). */
export function exclusionsFor(
  list: readonly CompiledExclusion[],
  pathSegments: readonly string[],
  method: string,
): CompiledExclusion[] {
  return list.filter(
    (e) => (!e.methods || e.methods.has(method)) && (!e.routes || e.routes.some((r) => matchSegments(r, pathSegments))),
  );
}

/** The id of the first exclusion that removes `rule` from `target`, or null. */
export function excludedBy(active: readonly CompiledExclusion[], rule: RuleMeta, target: Target): string | null {
  for (const e of active) {
    if (!e.ruleIds.has(rule.id) && !e.families.has(rule.family)) continue;
    if (!e.fields || e.fields.some((f) => f(target))) return e.id;
  }
  return null;
}
