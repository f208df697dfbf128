/**
 * The WAF's shared vocabulary. Detectors are small pure modules registered by name
 * (detectors/registry.ts); normalizers are pure string transforms the engine applies in one fixed,
 * bounded chain (normalizers/index.ts `normalizeValue`). The engine (engine.ts) turns a request into
 * Targets, builds each value's views once, runs the detectors and scores the Matches into a Verdict.
 */

/** critical 5, error 4, warning 3, notice 2 (CRS anomaly scoring). */
export type Severity = 'critical' | 'error' | 'warning' | 'notice';
export const SEVERITY_SCORE: Record<Severity, number> = { critical: 5, error: 4, warning: 3, notice: 2 };

export type Family =
  | 'sqli'
  | 'xss'
  | 'lfi'
  | 'rfi'
  | 'ssrf'
  | 'rce'
  | 'ssti'
  | 'nosql'
  | 'prototype-pollution'
  | 'crlf'
  | 'ldap'
  | 'xxe'
  | 'mail'
  | 'scanner'
  | 'protocol'
  | 'php'
  | 'java'
  | 'session-fixation'
  /** Engine-owned: an excluded field's value does not have its declared format (`WAF_FORMAT_*`). */
  | 'format';

type Paranoia = 1 | 2 | 3 | 4;

/** Where a value came from. `*_name` kinds are keys (parameter, field, cookie names). */
export type TargetKind =
  | 'path'
  /** One URL path segment that is not a plain slug or id, judged like any other value. */
  | 'path_segment'
  | 'query'
  | 'query_name'
  | 'header'
  | 'cookie'
  | 'cookie_name'
  | 'json'
  | 'json_key'
  | 'form'
  | 'form_name'
  | 'multipart'
  | 'filename'
  | 'xml'
  | 'body';

export interface Target {
  kind: TargetKind;
  /**
   * The selector exclusions match on: query/form/multipart field name, header name (lower-case),
   * cookie name, JSON path (`$.profile.essay`, `$.items[3].q`), `path` for the URL path, `body` for raw text.
   */
  name: string;
  /** Value after the normalizer chain (decoded, nulls removed, Unicode folded to ASCII where possible). */
  value: string;
  /** Value as received (for excerpts, redacted before logging). */
  raw: string;
  /** JSON targets only: the path as segments (keys, `[n]` for indices) that exclusion globs match. */
  segments?: readonly string[];
}

export interface RuleMeta {
  /** Stable id, e.g. WAF_SQLI_001; never reused for another meaning. */
  id: string;
  family: Family;
  severity: Severity;
  paranoia: Paranoia;
  /** One line for logs, docs and `waf explain`. */
  description: string;
}

export interface Match {
  ruleId: string;
  target: Target;
  /** Up to ~40 chars around what matched, from `target.value`; redacted before it is logged. */
  excerpt: string;
}

/** Request-level facts some detectors need (protocol rules, content-type aware rules). */
export interface RequestInfo {
  method: string;
  path: string;
  host: string | null;
  contentType: string | null;
  contentLength: number | null;
  headers: ReadonlyMap<string, string>;
}

export interface DetectContext {
  request: RequestInfo;
  paranoia: Paranoia;
}

/**
 * Derived forms of one target value, built by the engine once per target (views.ts `valueViews`)
 * and passed to every detector, so no detector lower-cases or scans the value for itself.
 */
export interface ValueViews {
  /** `value.toLowerCase()`. */
  readonly lower: string;
  /** Lower-cased, whitespace runs collapsed to one space, trimmed. */
  readonly collapsed: string;
  /** Lower-cased with all whitespace and control characters removed (`jav\tascript:` → `javascript:`). */
  readonly compact: string;
  /**
   * Presence table of ASCII codes in the value: `has[59]` is 1 when `;` occurs. O(1) prefilters,
   * which may only skip work on absent characters (an entry reported present must never hide a match).
   * Exact for every code but letters and rare C0 controls, which values over 1,024 characters report present.
   * Past 127 it holds shape facts prose rarely has (views.ts `TIGHT_DOT`, `LOOSE_QUOTE`, `HIGH`).
   */
  readonly has: Uint8Array;
}

/**
 * A detector: one attack class, one folder (`detectors/<name>/index.ts`, its own helpers beside it;
 * helpers two detectors use live in `detectors/lib/`). `detect` is pure, never throws, and does
 * work linear in `target.value.length` (no backtracking regex without a proven bound). `views` are
 * `target.value`'s derived forms. On a `header` target the result depends only on the header's
 * name and value: the engine reuses it for a repeated value.
 */
export interface Detector {
  name: string;
  rules: readonly RuleMeta[];
  /** Target kinds this detector inspects; omitted = all. */
  targets?: readonly TargetKind[];
  detect(target: Target, views: ValueViews, ctx: DetectContext): Match[];
}

export type WafAction = 'block' | 'monitor' | 'allow';
export type WafMode = 'block' | 'monitor' | 'off';

export interface Verdict {
  /** What the engine would do in block mode, whatever the route's mode. */
  wouldBlock: boolean;
  /** What actually happens for this request given its mode and grants. */
  action: WafAction;
  mode: WafMode;
  score: number;
  threshold: number;
  matches: Match[];
  /** The rule id reported in a block (highest-scoring match). */
  primaryRule: string | null;
  reason: 'clean' | 'below_threshold' | 'over_threshold' | 'mode_off' | 'excluded' | 'body_limit';
}

/** One waf.yaml route compiled (config/waf.ts): what the engine and the protocol checks ask of it. */
export interface RoutePolicy {
  /** The matching pattern, or `default`; logged as the event's `route`. */
  name: string;
  /** Lookup order: this route's method, this route's `*`, the defaults' method, the defaults' `*`. */
  modes: readonly ReadonlyMap<string, WafMode>[];
  blockMinSeverity: Severity;
  allowedMethods: ReadonlySet<string>;
  allowedContentTypes: ReadonlySet<string>;
}
