import type { WafRules } from './schema/waf.ts';
import { type WAF_FAMILIES, WAF_SEVERITIES } from './schema/waf.ts';
import type { Detector, Family, RoutePolicy, RuleMeta, Severity, TargetKind, WafMode } from '../waf/types.ts';
import { matchSegments, requestPathSegments, routeSegments } from '../waf/glob.ts';
import { decodeComponent } from '../waf/targets/decode.ts';
import { compileExclusions, type CompiledExclusion } from '../waf/exclusions.ts';
import { PROTOCOL_RULES } from '../waf/protocol.ts';
import { FORMAT_RULES } from '../waf/formats/registry.ts';
import { compileProse, PROSE_RULES, type CompiledProse } from '../waf/prose.ts';
import { DETECTORS } from '../waf/detectors/registry.ts';
import { normalizeValue } from '../waf/normalizers/index.ts';

/** The route policy the engine looks up per request (first matching `routes` entry over `defaults`). */
export interface CompiledWaf {
  paranoia: 1 | 2 | 3 | 4;
  inboundThreshold: number;
  thresholdByType: ReadonlyMap<string, number>;
  body: WafRules['body'];
  /** Effective rule metadata (after severity overrides); disabled rules are absent. */
  rules: ReadonlyMap<string, RuleMeta>;
  disabled: ReadonlySet<string>;
  /** Detectors with at least one enabled rule at or below the paranoia level (the others never run). */
  detectors: readonly Detector[];
  /** Detectors that inspect a target kind, resolved once (the hot loop only indexes). */
  detectorsByKind: ReadonlyMap<TargetKind, readonly Detector[]>;
  exclusions: readonly CompiledExclusion[];
  /** Prose fields: matches there count only when the construct would execute (gateway/src/waf/prose.ts). */
  prose: readonly CompiledProse[];
  sensitive: readonly string[];
  normalize: (raw: string) => string;
  route(path: string): RoutePolicy;
  /** `route` for a path already split by `requestPathSegments` (the engine reuses them for exclusions). */
  routeOf(segments: readonly string[]): RoutePolicy;
  /** Problems the linter reports (expired entries); the compiled config already ignores them. */
  warnings: readonly string[];
}

export class WafConfigError extends Error {}

/** Every target kind (a Record, so tsc fails here when a kind is added to types.ts). */
const KINDS: Record<TargetKind, true> = {
  path: true,
  path_segment: true,
  query: true,
  query_name: true,
  header: true,
  cookie: true,
  cookie_name: true,
  json: true,
  json_key: true,
  form: true,
  form_name: true,
  multipart: true,
  filename: true,
  xml: true,
  body: true,
};
const TARGET_KINDS = Object.keys(KINDS) as TargetKind[];

// The schema's family list and the engine's Family type must be the same set (checked by tsc).
type SchemaFamily = (typeof WAF_FAMILIES)[number];
const FAMILIES_IN_SYNC: [Exclude<Family, SchemaFamily>, Exclude<SchemaFamily, Family>] extends [never, never]
  ? true
  : false = true;
void FAMILIES_IN_SYNC;

/** Rank for `block_min_severity` comparisons: critical 0 … notice 3. */
export const SEVERITY_RANK: Record<Severity, number> = Object.fromEntries(
  WAF_SEVERITIES.map((s, i) => [s, i]),
) as Record<Severity, number>;

export interface CompileOptions {
  detectors?: readonly Detector[];
  /** For expiry checks; defaults to now. */
  now?: Date;
}

/**
 * Compiles validated waf.yaml once: route patterns to segment matchers, exclusions to selectors,
 * overrides applied to rule metadata. Unknown rule ids in overrides or exclusions fail here, at
 * load, never on traffic.
 * @example const compiled = compileWaf(bundledRules()['waf.yaml']);
 */
export function compileWaf(rules: WafRules, opts: CompileOptions = {}): CompiledWaf {
  const detectors = opts.detectors ?? DETECTORS;
  const today = (opts.now ?? new Date()).toISOString().slice(0, 10);
  const warnings: string[] = [];
  const meta = new Map<string, RuleMeta>();
  for (const r of [...PROTOCOL_RULES, ...FORMAT_RULES, ...PROSE_RULES]) meta.set(r.id, r);
  for (const d of detectors)
    for (const r of d.rules) {
      if (meta.has(r.id) && meta.get(r.id) !== r) throw new WafConfigError(`rule id ${r.id} is declared twice`);
      meta.set(r.id, r);
    }
  const families = new Set<Family>([...meta.values()].map((r) => r.family));

  const disabled = new Set<string>();
  for (const o of rules.rule_overrides) {
    const m = meta.get(o.rule);
    if (!m) throw new WafConfigError(`rule_overrides: unknown rule ${o.rule}`);
    if (o.expires && o.expires < today) {
      warnings.push(`rule_overrides ${o.rule}: expired on ${o.expires}, ignored`);
      continue;
    }
    if (o.disabled) disabled.add(o.rule);
    if (o.severity) meta.set(o.rule, { ...m, severity: o.severity });
  }
  const declared = new Map(meta); // disabled rules included: an exclusion may still name one
  for (const id of disabled) meta.delete(id);

  let exclusions: CompiledExclusion[];
  try {
    exclusions = compileExclusions(
      rules.exclusions,
      (id) => {
        const r = declared.get(id);
        if (r) return r.family;
        throw new WafConfigError(`unknown rule ${id}`);
      },
      today,
      warnings,
    );
  } catch (err) {
    throw new WafConfigError((err as Error).message);
  }
  for (const e of rules.exclusions)
    for (const ref of e.remove ?? [])
      if (!ref.startsWith('WAF_') && !families.has(ref as Family))
        warnings.push(`exclusions ${e.id}: no registered rule has family ${ref}`);

  const base = rules.defaults;
  const toPolicy = (name: string, r: Partial<typeof base>): RoutePolicy => ({
    name,
    modes: [
      ...(r.modes ? [new Map(Object.entries(r.modes) as [string, WafMode][])] : []),
      new Map(Object.entries(base.modes) as [string, WafMode][]),
    ],
    blockMinSeverity: r.block_min_severity ?? base.block_min_severity,
    allowedMethods: new Set(r.allowed_methods ?? base.allowed_methods),
    allowedContentTypes: new Set(r.allowed_content_types ?? base.allowed_content_types),
  });
  const routes = rules.routes.flatMap((r) => {
    const patterns = Array.isArray(r.match) ? r.match : [r.match];
    const policy = toPolicy(patterns.join(' | '), r);
    return patterns.map((p) => ({ segments: routeSegments(p), policy }));
  });
  const fallback = toPolicy('default', {});
  const routeOf = (segs: readonly string[]): RoutePolicy => {
    for (const r of routes) if (matchSegments(r.segments, segs)) return r.policy;
    return fallback;
  };

  // A detector none of whose rules is enabled at this paranoia level never runs. One that has any
  // runs whole (it checks its rules in one pass) and the engine drops matches of the others.
  const running = detectors.filter((d) => d.rules.some((r) => meta.has(r.id) && r.paranoia <= rules.paranoia));

  return {
    paranoia: rules.paranoia,
    inboundThreshold: rules.thresholds.inbound,
    thresholdByType: new Map(Object.entries(rules.thresholds.by_content_type)),
    body: rules.body,
    rules: meta,
    disabled,
    detectors: running,
    detectorsByKind: new Map(TARGET_KINDS.map((k) => [k, running.filter((d) => !d.targets || d.targets.includes(k))])),
    exclusions,
    prose: compileProseOrFail(rules.prose),
    sensitive: rules.sensitive_fields.map((s) => s.toLowerCase()),
    normalize: normalizeValue,
    route: (path) => routeOf(requestPathSegments(path, (x) => decodeComponent(x, false))),
    routeOf,
    warnings,
  };
}

function compileProseOrFail(list: WafRules['prose']): CompiledProse[] {
  try {
    return compileProse(list);
  } catch (e) {
    throw new WafConfigError((e as Error).message);
  }
}

/** The mode for a method on a route: the method's entry, else `*`. */
export function modeFor(policy: RoutePolicy, method: string): WafMode {
  for (const m of policy.modes) {
    const mode = m.get(method) ?? m.get('*');
    if (mode) return mode;
  }
  return 'block';
}

/** The inbound threshold for a request's body media type (`+json` counts as application/json). */
export function thresholdFor(waf: CompiledWaf, mediaType: string | null): number {
  if (!mediaType) return waf.inboundThreshold;
  return (
    waf.thresholdByType.get(mediaType) ??
    (mediaType.endsWith('+json') ? waf.thresholdByType.get('application/json') : undefined) ??
    waf.inboundThreshold
  );
}

const cache = new WeakMap<WafRules, CompiledWaf>();

/** Compiles once per rules object, so the body and WAF stages share one CompiledWaf. */
export function compiledWaf(rules: WafRules): CompiledWaf {
  let c = cache.get(rules);
  if (!c) {
    c = compileWaf(rules);
    cache.set(rules, c);
  }
  return c;
}
