import { Counter } from '../../../shared/ops/prometheus.ts';
import type { Match, RuleMeta, Target, Verdict } from './types.ts';

/**
 * The WAF's observable output: one structured JSON event line per request with matches, and
 * per-isolate counters of matches and blocks by rule and action (Prometheus text at
 * `GET /__gateway/metrics`, which the ops dashboard scrapes).
 */

export interface WafEvent {
  level: 'warn' | 'info';
  msg: 'waf';
  request_id: string;
  route: string;
  method: string;
  mode: Verdict['mode'];
  action: Verdict['action'];
  would_block: boolean;
  score: number;
  threshold: number;
  primary_rule: string | null;
  rules: string[];
  matches: { rule: string; family: string; severity: string; field: string; excerpt: string }[];
}

/** Characters of a match excerpt kept in logs: enough to recognise the attack, too short to carry data. */
const EXCERPT_CHARS = 40;
/** Field names in events are cut to this length (a parameter name can itself be the payload). */
const FIELD_CHARS = 64;
/** Runs of token-like characters this long are credentials or session ids more often than attacks. */
const TOKEN_RUN = 24;
/** @internal exported for its tests */
export const REDACTED = '[REDACTED]';

/** Headers and cookie names whose values are always secrets, whatever the rule file says. */
const ALWAYS_SENSITIVE = ['authorization', 'cookie', 'password', 'token', 'secret'];

function leafName(t: Target): string {
  if (t.segments) {
    for (let i = t.segments.length - 1; i >= 0; i--) if (!t.segments[i].startsWith('[')) return t.segments[i];
    return '';
  }
  return t.name;
}

/** True when a target's own name marks it sensitive (substring, case-insensitive). */
function isSensitiveTarget(t: Target, sensitive: readonly string[]): boolean {
  if (t.kind === 'json_key' || t.kind === 'query_name' || t.kind === 'form_name' || t.kind === 'cookie_name')
    return false;
  const name = leafName(t).toLowerCase();
  return ALWAYS_SENSITIVE.some((s) => name.includes(s)) || sensitive.some((s) => name.includes(s));
}

function isTokenChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 45 ||
    c === 95 ||
    c === 46 ||
    c === 43 ||
    c === 47 ||
    c === 61
  );
}

/**
 * Masks token-like runs (JWTs, API keys, session ids) inside an excerpt.
 * @internal exported for its tests
 */
export function maskTokens(s: string): string {
  let out = '',
    run = 0,
    start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i < s.length && isTokenChar(s.charCodeAt(i))) {
      if (run === 0) start = i;
      run++;
      continue;
    }
    if (run >= TOKEN_RUN) out += REDACTED;
    else out += s.slice(start, start + run);
    run = 0;
    if (i < s.length) out += s[i];
  }
  return out;
}

/** The excerpt as it may be logged: redacted for sensitive fields, short, tokens masked. */
function redactExcerpt(m: Match, sensitive: readonly string[]): string {
  if (isSensitiveTarget(m.target, sensitive)) return REDACTED;
  return maskTokens(m.excerpt.slice(0, EXCERPT_CHARS));
}

function fieldLabel(t: Target): string {
  const name = t.name.length > FIELD_CHARS ? t.name.slice(0, FIELD_CHARS) + '…' : t.name;
  return `${t.kind}:${maskTokens(name)}`;
}

/** Builds the event line for a verdict with matches. */
export function wafEvent(
  v: Verdict,
  ctx: {
    requestId: string;
    route: string;
    method: string;
    rules: ReadonlyMap<string, RuleMeta>;
    sensitive: readonly string[];
  },
): WafEvent {
  return {
    level: v.action === 'allow' ? 'info' : 'warn',
    msg: 'waf',
    request_id: ctx.requestId,
    route: ctx.route,
    method: ctx.method,
    mode: v.mode,
    action: v.action,
    would_block: v.wouldBlock,
    score: v.score,
    threshold: v.threshold,
    primary_rule: v.primaryRule,
    rules: [...new Set(v.matches.map((m) => m.ruleId))],
    matches: v.matches.slice(0, 16).map((m) => {
      const meta = ctx.rules.get(m.ruleId);
      return {
        rule: m.ruleId,
        family: meta?.family ?? 'unknown',
        severity: meta?.severity ?? 'unknown',
        field: fieldLabel(m.target),
        excerpt: redactExcerpt(m, ctx.sensitive),
      };
    }),
  };
}

// Per-isolate counters. Workers isolates are short-lived and many: dashboards sum them from the
// scraped text or the event lines; these exist so one instance can be read without a log pipeline.
const requests = new Counter({
  name: 'gatehouse_waf_requests_total',
  help: 'Requests inspected by the WAF, by action.',
  labelNames: ['action'],
});
/** Every action shows from the start, at 0 until counted. */
const requestsBy = {
  block: requests.labels('block'),
  monitor: requests.labels('monitor'),
  allow: requests.labels('allow'),
};
const matches = new Counter({
  name: 'gatehouse_waf_matches_total',
  help: 'Requests a rule matched, by rule and the action taken.',
  labelNames: ['rule', 'action'],
});
const blocks = new Counter({
  name: 'gatehouse_waf_blocks_total',
  help: 'Blocked requests by primary rule.',
  labelNames: ['rule'],
});

/** Served at `GET /__gateway/metrics` (metrics/registry.ts). */
export const wafMetrics = [requests, matches, blocks];

/** Counts one inspected request: its action, each distinct matched rule under that action, the primary rule of a block. */
export function recordVerdict(v: Verdict): void {
  requestsBy[v.action].inc();
  if (v.matches.length) for (const id of new Set(v.matches.map((m) => m.ruleId))) matches.labels(id, v.action).inc();
  if (v.action === 'block' && v.primaryRule) blocks.labels(v.primaryRule).inc();
}
