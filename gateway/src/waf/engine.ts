import type { Match, RoutePolicy, RuleMeta, Verdict, WafAction, WafMode } from './types.ts';
import { extractTargets, type Extracted, type WafRequest } from './targets/index.ts';
import { modeFor, thresholdFor, SEVERITY_RANK, type CompiledWaf } from '../config/waf.ts';
import { checkFields, excludedBy, exclusionsFor } from './exclusions.ts';
import { protocolMatches } from './protocol.ts';
import { scoreMatches } from './scoring/anomaly-score.ts';
import { requestPathSegments } from './glob.ts';
import { decodeComponent } from './targets/decode.ts';
import { proseFor, proseMatchStands, proseOf } from './prose.ts';
import { ReusableViews } from './views.ts';

export type { WafRequest } from './targets/index.ts';

/** A match an exclusion removed, kept for `waf explain` and lint. */
interface ExcludedMatch extends Match {
  exclusion: string;
}

/** Everything the engine learned about one request; the Verdict is what the pipeline acts on. */
export interface Inspection {
  verdict: Verdict;
  route: RoutePolicy;
  extracted: Extracted;
  excluded: ExcludedMatch[];
}

export interface InspectOptions {
  /** Force a mode (the stage passes `monitor` for `waf_monitor_only` grants); default the route's mode. */
  mode?: WafMode;
  /** The body was longer than the inspected prefix (inspect_prefix). */
  truncated?: boolean;
  /** Crawler user agent from an unverified address (client-class stage); scored as WAF_PROTO_013. */
  spoofedCrawler?: boolean;
  /** Run every detector on every header instead of reusing results for a header value seen before. */
  noCache?: boolean;
}

/** A JSON key of letters, digits, `_` and `-` (no newline, no markup): its verdict is its value's. */
const PLAIN_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Header values repeat on every request of a client (User-Agent, Referer, Content-Type), and
 * detectors judge a header by its name and value alone: the detector results for recent header
 * values are kept per compiled rule set (so a rules change starts empty), bounded in entries and
 * value length, oldest evicted first.
 */
const HEADER_CACHE_ENTRIES = 1024;
const HEADER_CACHE_MAX_VALUE = 1024;
type CachedMatch = { ruleId: string; excerpt: string };
const headerCaches = new WeakMap<CompiledWaf, Map<string, CachedMatch[]>>();

function headerCache(waf: CompiledWaf): Map<string, CachedMatch[]> {
  let c = headerCaches.get(waf);
  if (!c) headerCaches.set(waf, (c = new Map()));
  return c;
}

function remember(cache: Map<string, CachedMatch[]>, key: string, matches: CachedMatch[]): void {
  if (cache.size >= HEADER_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, matches);
}

/** Upper bound on matches kept per request: enough to explain, bounded for hostile input. */
const MAX_MATCHES = 64;

/**
 * request → targets → normalize → views → detect → exclusions → score → Verdict. Pure and synchronous;
 * `req.body` must already be cut to the inspected size. Never throws on request content.
 * @example inspectRequest({ method: 'GET', url: '/search?q=x', headers: {}, body: null }, compiled).wouldBlock
 */
export function inspect(req: WafRequest, waf: CompiledWaf, opts: InspectOptions = {}): Inspection {
  const extracted = extractTargets(
    req,
    { jsonMaxDepth: waf.body.json_max_depth, maxFields: waf.body.max_fields },
    waf.normalize,
  );
  const { info } = extracted;
  const segments = requestPathSegments(info.path, (x) => decodeComponent(x, false));
  const route = waf.routeOf(segments);
  const mode = opts.mode ?? modeFor(route, info.method);
  const active = exclusionsFor(waf.exclusions, segments, info.method);
  const activeProse = waf.prose.length ? proseFor(waf.prose, segments, info.method) : [];
  const matches: Match[] = [];
  const excluded: ExcludedMatch[] = [];
  // The prose entry of the target being inspected (null outside prose fields), the per-target memo
  // of its execution judgement, and the first match held for moderation.
  let prose: string | null = null;
  const proseMemo = new Map<string, boolean>();
  let held: Match | null = null;
  const keep = (m: Match) => {
    const rule = waf.rules.get(m.ruleId);
    if (!rule || rule.paranoia > waf.paranoia) return; // disabled, unknown or above the paranoia level
    const by = active.length ? excludedBy(active, rule, m.target) : null;
    if (by) {
      if (excluded.length < MAX_MATCHES) excluded.push({ ...m, exclusion: by });
    } else if (prose !== null && !proseMatchStands(rule, m.target.value, proseMemo)) {
      held ??= m;
      if (excluded.length < MAX_MATCHES) excluded.push({ ...m, exclusion: `prose:${prose}` });
    } else if (matches.length < MAX_MATCHES) matches.push(m);
  };
  for (const m of protocolMatches(extracted, route, {
    truncated: opts.truncated ?? false,
    spoofedCrawler: opts.spoofedCrawler ?? false,
  }))
    keep(m);
  const ctx = { request: info, paranoia: waf.paranoia };
  // JSON keys repeat (every element of an array has the same keys): a plain key found clean once
  // in this request is clean again, since no detector reads a plain key's path.
  const cleanKeys = new Set<string>();
  // One views object for the whole inspection, pointed at each target in turn (only here).
  const views = new ReusableViews();
  for (const t of extracted.targets) {
    if (t.value === '' && t.raw === '') continue;
    if (activeProse.length) {
      prose = proseOf(activeProse, t);
      if (proseMemo.size) proseMemo.clear();
    }
    const plainKey = t.kind === 'json_key' && PLAIN_KEY.test(t.value);
    if (plainKey && cleanKeys.has(t.value)) continue;
    if (active.length) {
      // An excluded field's format is checked instead of the families it removes.
      const field = checkFields(active, t);
      if (field.violation) keep(field.violation);
      if (field.opaque) continue;
    }
    const cacheKey =
      t.kind === 'header' && !opts.noCache && t.raw.length <= HEADER_CACHE_MAX_VALUE ? `${t.name}\n${t.raw}` : null;
    const cached = cacheKey === null ? undefined : headerCache(waf).get(cacheKey);
    if (cached) {
      for (const c of cached) keep({ ruleId: c.ruleId, target: t, excerpt: c.excerpt });
      continue;
    }
    const detectors = waf.detectorsByKind.get(t.kind) ?? waf.detectors;
    // The target's views, shared by its detectors: each view is built once, on first read.
    views.of(t.value);
    let any = false;
    let all: Match[] | null = cacheKey === null ? null : [];
    for (let i = 0; i < detectors.length; i++) {
      let found: Match[];
      try {
        found = detectors[i].detect(t, views, ctx);
      } catch {
        any = true;
        all = null;
        continue;
      } // a detector bug must not become an outage
      if (found.length) any = true;
      for (let j = 0; j < found.length; j++) {
        keep(found[j]);
        all?.push(found[j]);
      }
    }
    if (plainKey && !any) cleanKeys.add(t.value);
    if (cacheKey !== null && all !== null)
      remember(
        headerCache(waf),
        cacheKey,
        all.map((m) => ({ ruleId: m.ruleId, excerpt: m.excerpt })),
      );
  }
  prose = null;
  // One notice for everything held in prose: visible to moderation, below every threshold alone.
  if (held) keep({ ruleId: 'WAF_PROSE_001', target: (held as Match).target, excerpt: (held as Match).excerpt });
  const threshold = thresholdFor(waf, extracted.mediaType);
  const verdict = decide(matches, excluded.length > 0, waf.rules, threshold, mode, route);
  return { verdict, route, extracted, excluded };
}

/** The Verdict alone (what the pipeline stage and replay need). */
export function inspectRequest(req: WafRequest, waf: CompiledWaf, opts: InspectOptions = {}): Verdict {
  return inspect(req, waf, opts).verdict;
}

/**
 * Decision table. `wouldBlock`: the score reaches the threshold. `block` mode blocks only when a
 * matched rule is at least `block_min_severity` (known-bad); otherwise the would-be block is logged
 * as `monitor`. `monitor` mode never blocks; `off` is reported as allow.
 */
function decide(
  matches: Match[],
  anyExcluded: boolean,
  meta: ReadonlyMap<string, RuleMeta>,
  threshold: number,
  mode: WafMode,
  route: RoutePolicy,
): Verdict {
  const { score, primaryRule, topSeverity } = scoreMatches(matches, meta);
  const wouldBlock = score >= threshold;
  let action: WafAction = 'allow';
  let reason: Verdict['reason'] =
    matches.length === 0 ? (anyExcluded ? 'excluded' : 'clean') : wouldBlock ? 'over_threshold' : 'below_threshold';
  if (mode === 'off') reason = 'mode_off';
  else if (wouldBlock) {
    const severeEnough = topSeverity !== null && SEVERITY_RANK[topSeverity] <= SEVERITY_RANK[route.blockMinSeverity];
    action = mode === 'block' && severeEnough ? 'block' : 'monitor';
  }
  return { wouldBlock, action, mode, score, threshold, matches, primaryRule, reason };
}
