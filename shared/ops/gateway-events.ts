/**
 * One gateway request's decisions as a value: what the gateway's metrics stage counts into its
 * exposition locally, and what it writes as one Workers Analytics Engine data point in
 * production. Both paths derive their series from `forEachSeries`, so the dashboard reads the same
 * metric names from either. Every field is a closed set or a rule/policy id from the rule files.
 */
export interface GatewayEvent {
  routeClass: string;
  statusClass: string;
  clientClass: string;
  waf?: { action: 'block' | 'monitor' | 'allow'; rule: string };
  rateLimit?: {
    policy: string;
    decision: 'allowed' | 'limited' | 'unavailable' | 'skipped';
    source: string;
    degraded: string;
  };
  jwtReason?: 'missing' | 'invalid' | 'expired' | 'unavailable';
  corsRefused?: boolean;
  crawler?: 'verified' | 'spoofed';
  upstream?: { outcome: 'ok' | 'status_5xx' | 'unreachable'; ms: number };
  totalMs: number;
}

/** Analytics Engine's data point (indexes: 1, blobs: up to 20 strings, doubles: up to 20 numbers). */
export interface DataPoint {
  indexes: [string];
  blobs: string[];
  doubles: number[];
}

/** Blob order of the data point; the SQL reader selects them by these positions (blob1 … blob13). */
export const BLOBS = [
  'route_class',
  'status_class',
  'client_class',
  'waf_action',
  'waf_rule',
  'rl_policy',
  'rl_decision',
  'rl_source',
  'rl_degraded',
  'jwt_reason',
  'cors',
  'crawler',
  'upstream',
] as const;
/**
 * Double order: double1 … double2.
 * @internal exported for its tests
 */
export const DOUBLES = ['total_ms', 'upstream_ms'] as const;

export function toDataPoint(e: GatewayEvent): DataPoint {
  const b: Record<(typeof BLOBS)[number], string> = {
    route_class: e.routeClass,
    status_class: e.statusClass,
    client_class: e.clientClass,
    waf_action: e.waf?.action ?? '',
    waf_rule: e.waf?.rule ?? '',
    rl_policy: e.rateLimit?.policy ?? '',
    rl_decision: e.rateLimit?.decision ?? '',
    rl_source: e.rateLimit?.source ?? '',
    rl_degraded: e.rateLimit?.degraded ?? '',
    jwt_reason: e.jwtReason ?? '',
    cors: e.corsRefused ? 'refused' : '',
    crawler: e.crawler ?? '',
    upstream: e.upstream?.outcome ?? '',
  };
  return { indexes: [e.routeClass], blobs: BLOBS.map((k) => b[k]), doubles: [e.totalMs, e.upstream?.ms ?? 0] };
}

/** The inverse of toDataPoint for a row the SQL API returns (blob1 … blob13, double2). */
export function fromRow(row: Record<string, string | number>): GatewayEvent {
  const blob = (k: (typeof BLOBS)[number]) => String(row[`blob${BLOBS.indexOf(k) + 1}`] ?? '');
  const e: GatewayEvent = {
    routeClass: blob('route_class'),
    statusClass: blob('status_class'),
    clientClass: blob('client_class'),
    totalMs: 0,
  };
  if (blob('waf_action')) e.waf = { action: blob('waf_action') as 'block', rule: blob('waf_rule') };
  if (blob('rl_policy'))
    e.rateLimit = {
      policy: blob('rl_policy'),
      decision: blob('rl_decision') as 'allowed',
      source: blob('rl_source'),
      degraded: blob('rl_degraded'),
    };
  if (blob('jwt_reason')) e.jwtReason = blob('jwt_reason') as 'invalid';
  if (blob('cors')) e.corsRefused = true;
  if (blob('crawler')) e.crawler = blob('crawler') as 'verified';
  if (blob('upstream')) e.upstream = { outcome: blob('upstream') as 'ok', ms: Number(row.double2 ?? 0) };
  return e;
}

/**
 * The counters an event can add to, each with its label names in the order a series key lists them
 * (sorted, as `GatewayWindow` keys them): the exposition declares its counters with these names and
 * `eventCounts` builds its keys from them, so both paths name the same series.
 */
export const EVENT_LABELS = {
  gatehouse_gateway_requests_total: ['route_class', 'status_class'],
  gatehouse_waf_decisions_total: ['action', 'client_class', 'route_class', 'rule'],
  gatehouse_jwt_rejections_total: ['reason'],
  gatehouse_cors_refusals_total: ['route_class'],
  gatehouse_crawler_requests_total: ['verdict'],
  gatehouse_upstream_requests_total: ['outcome', 'route_class'],
  gatehouse_ratelimit_decisions_total: ['decision', 'policy', 'source'],
  gatehouse_ratelimit_backend_errors_total: ['kind', 'policy'],
} as const satisfies Record<string, readonly string[]>;
export type EventSeries = keyof typeof EVENT_LABELS;

/**
 * Calls `add` once for each series one event adds to, with the label values in `EVENT_LABELS`
 * order. `withRateLimit` adds the rate-limit series too (Analytics Engine path); the exposition has
 * its own rate-limit counters, fed by the limiter itself. Per request on the gateway: no key strings.
 */
export function forEachSeries(
  e: GatewayEvent,
  withRateLimit: boolean,
  add: (series: EventSeries, values: string[]) => void,
): void {
  add('gatehouse_gateway_requests_total', [e.routeClass, e.statusClass]);
  if (e.waf) add('gatehouse_waf_decisions_total', [e.waf.action, e.clientClass, e.routeClass, e.waf.rule || 'none']);
  if (e.jwtReason) add('gatehouse_jwt_rejections_total', [e.jwtReason]);
  if (e.corsRefused) add('gatehouse_cors_refusals_total', [e.routeClass]);
  if (e.crawler) add('gatehouse_crawler_requests_total', [e.crawler]);
  if (e.upstream) add('gatehouse_upstream_requests_total', [e.upstream.outcome, e.routeClass]);
  if (withRateLimit && e.rateLimit) {
    const rl = e.rateLimit;
    add('gatehouse_ratelimit_decisions_total', [rl.decision, rl.policy, rl.source]);
    if (rl.degraded && rl.degraded !== 'circuit_open')
      add('gatehouse_ratelimit_backend_errors_total', [rl.degraded, rl.policy]);
  }
}

/** The series one event adds to, keyed `name|label=value,…` as `GatewayWindow` counts them. */
export function eventCounts(e: GatewayEvent, withRateLimit = false): string[] {
  const out: string[] = [];
  forEachSeries(e, withRateLimit, (series, values) => {
    out.push(`${series}|${EVENT_LABELS[series].map((l, i) => `${l}=${values[i]}`).join(',')}`);
  });
  return out;
}
