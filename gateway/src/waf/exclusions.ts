import type { ExcludedField, WafExclusion } from '../config/schema/waf.ts';
import { WAF_FAMILIES } from '../config/schema/waf.ts';
import type { Family, Match, RuleMeta, Target } from './types.ts';
import { jsonPathSegments, matchJsonPath, matchSegments, renderJsonPath, routeSegments } from './glob.ts';
import { FORMATS } from './formats/registry.ts';
import type { FieldFormat, FormatOptions } from './formats/types.ts';

/**
 * One excluded field, compiled: a selector, the format the edge checks instead, and what it removes.
 * An exclusion always names its routes and each field exactly (a JSON path, query parameter, form
 * field, header or cookie): a cookie never matches a body field's entry, nor a nested key its parent's.
 */
export interface CompiledField {
  /** The exclusion's id (reported with each excluded match). */
  exclusion: string;
  /** `json:$.email`, `query:q` …, for lint and explain. */
  label: string;
  /** The target is this field's value. */
  selects: (t: Target) => boolean;
  /**
   * JSON only: when the target sits inside this field (an object or array where a single value
   * belongs), the field's own path segments; else null.
   */
  contains: (t: Target) => readonly string[] | null;
  format: FieldFormat;
  options: FormatOptions;
  ruleIds: ReadonlySet<string>;
  families: ReadonlySet<string>;
  /** Removes every family: the value is opaque to detectors, which do not run on it. */
  opaque: boolean;
}

/** A compiled exclusion: route segments and methods select the requests, `fields` the values. */
export interface CompiledExclusion {
  id: string;
  routes: readonly (readonly string[])[];
  methods: ReadonlySet<string> | null;
  fields: readonly CompiledField[];
  /** Source entry, for lint (does it select anything?) and explain. */
  source: WafExclusion;
}

/** Families a format may remove when it compensates for `all`: every detector family. */
const DETECTOR_FAMILIES: readonly Family[] = WAF_FAMILIES.filter((f) => f !== 'protocol' && f !== 'format');

function fieldLabel(f: ExcludedField): string {
  if (f.json !== undefined) return `json:${f.json}`;
  if (f.query !== undefined) return `query:${f.query}`;
  if (f.form !== undefined) return `form:${f.form}`;
  if (f.header !== undefined) return `header:${f.header}`;
  return `cookie:${f.cookie}`;
}

const never = () => null;

/** `pattern` (no `**`) matches the first pattern.length segments of a longer `segments`. */
function isPrefix(pattern: readonly string[], segments: readonly string[] | undefined): boolean {
  if (!segments || segments.length <= pattern.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    const s = segments[i];
    if (p !== s && p !== '*' && !(p === '[*]' && s.startsWith('['))) return false;
  }
  return true;
}

function compileSelector(f: ExcludedField): Pick<CompiledField, 'selects' | 'contains'> {
  if (f.json !== undefined) {
    const pattern = jsonPathSegments(f.json);
    if (!pattern || pattern.includes('**')) throw new Error(`invalid JSON path ${f.json}`);
    return {
      selects: (t) => t.kind === 'json' && t.segments !== undefined && matchJsonPath(pattern, t.segments),
      contains: (t) =>
        (t.kind === 'json' || t.kind === 'json_key') && isPrefix(pattern, t.segments)
          ? t.segments!.slice(0, pattern.length)
          : null,
    };
  }
  if (f.query !== undefined) return { selects: (t) => t.kind === 'query' && t.name === f.query, contains: never };
  if (f.form !== undefined)
    return { selects: (t) => (t.kind === 'form' || t.kind === 'multipart') && t.name === f.form, contains: never };
  if (f.header !== undefined) {
    const h = f.header.toLowerCase();
    return { selects: (t) => t.kind === 'header' && t.name === h, contains: never };
  }
  return { selects: (t) => t.kind === 'cookie' && t.name === f.cookie, contains: never };
}

/**
 * Compiles the exclusions. `ruleFamily` returns a rule id's family or throws for an unknown id.
 * Every field's `remove` must be something its format compensates for (an email field cannot lose
 * XSS inspection); a violation fails here with the entry named. Expired entries are dropped with a
 * warning: an expiry is a promise to re-tune.
 */
export function compileExclusions(
  list: readonly WafExclusion[],
  ruleFamily: (id: string) => Family,
  today: string,
  warnings: string[],
): CompiledExclusion[] {
  const out: CompiledExclusion[] = [];
  for (const e of list) {
    const fail = (msg: string) => new Error(`exclusions ${e.id}: ${msg}`);
    const refs = (e.remove ?? []).map((ref) => {
      if (!ref.startsWith('WAF_')) return { ref, family: ref as Family };
      try {
        return { ref, family: ruleFamily(ref) };
      } catch (err) {
        throw fail((err as Error).message);
      }
    });
    for (const r of refs)
      if (r.family === 'format' || r.family === 'protocol')
        throw fail(`${r.ref}: ${r.family} rules cannot be excluded`);
    const fields = e.fields.map((f): CompiledField => {
      const label = fieldLabel(f);
      const format = FORMATS[f.format];
      const allowed = format.compensates === 'all' ? DETECTOR_FAMILIES : format.compensates;
      for (const r of refs)
        if (!allowed.includes(r.family))
          throw fail(`${label} (format ${f.format}) can only have ${allowed.join(', ')} removed, not ${r.ref}`);
      let selector: Pick<CompiledField, 'selects' | 'contains'>;
      try {
        selector = compileSelector(f);
      } catch (err) {
        throw fail((err as Error).message);
      }
      return {
        exclusion: e.id,
        label,
        ...selector,
        format,
        options: { maxLength: f.max_length ?? format.defaultMaxLength, values: f.values ? new Set(f.values) : null },
        ruleIds: new Set(refs.filter((r) => r.ref.startsWith('WAF_')).map((r) => r.ref)),
        families: new Set(e.remove ? refs.filter((r) => !r.ref.startsWith('WAF_')).map((r) => r.ref) : allowed),
        opaque: format.compensates === 'all' && !e.remove,
      };
    });
    if (e.expires && e.expires < today) {
      warnings.push(`exclusions ${e.id}: expired on ${e.expires}, ignored`);
      continue;
    }
    out.push({
      id: e.id,
      routes: e.routes.map(routeSegments),
      methods: e.methods ? new Set(e.methods) : null,
      fields,
      source: e,
    });
  }
  return out;
}

/** The fields excluded on this route and method (computed once per request; usually none). */
export function exclusionsFor(
  list: readonly CompiledExclusion[],
  pathSegments: readonly string[],
  method: string,
): CompiledField[] {
  const active: CompiledField[] = [];
  for (const e of list)
    if ((!e.methods || e.methods.has(method)) && e.routes.some((r) => matchSegments(r, pathSegments)))
      active.push(...e.fields);
  return active;
}

/** The id of the first exclusion that removes `rule` from `target`, or null. */
export function excludedBy(active: readonly CompiledField[], rule: RuleMeta, target: Target): string | null {
  for (const f of active)
    if ((f.ruleIds.has(rule.id) || f.families.has(rule.family)) && f.selects(target)) return f.exclusion;
  return null;
}

/** What the excluded fields say about one target: a format violation, and whether detectors may skip it. */
export interface FieldCheck {
  violation: Match | null;
  /** The target is an opaque field's value: no detector runs on it. */
  opaque: boolean;
}

const NOTHING: FieldCheck = { violation: null, opaque: false };
const NOT_A_VALUE = 'must be a single value, not an object or array';

/**
 * Checks a target against the excluded fields: the value of an excluded field must have its format
 * (checked on the value as the backend receives it), and nothing may sit inside a JSON field that
 * declares a format. The violation's excerpt is the message, never the value.
 */
export function checkFields(active: readonly CompiledField[], t: Target): FieldCheck {
  for (const f of active) {
    if (f.selects(t)) {
      // An empty value carries nothing: the backend reports a missing field better than a 403.
      const problem = t.raw === '' ? null : f.format.check(t.raw, f.options);
      return {
        violation: problem === null ? null : { ruleId: f.format.rule.id, target: t, excerpt: problem },
        opaque: f.opaque,
      };
    }
    const outer = f.contains(t);
    if (outer) {
      // Named by the declared field, not the nested key (which the client chose).
      const field: Target = { kind: 'json', name: renderJsonPath(outer), value: '', raw: '', segments: outer };
      return { violation: { ruleId: f.format.rule.id, target: field, excerpt: NOT_A_VALUE }, opaque: false };
    }
  }
  return NOTHING;
}
