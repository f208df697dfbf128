import { eventCounts, type GatewayEvent } from '../../../shared/ops/gateway-events.ts';

/**
 * This isolate's counters of gateway decisions (WAF by rule/route/action/client class, JWT
 * rejections by reason, CORS refusals, crawler verdicts, upstream outcomes) and the upstream
 * latency histogram, in Prometheus text for `GET /__gateway/metrics`. Series names come from
 * `eventCounts`, the same function the Analytics Engine reader uses, so both paths agree.
 */

const HELP: Record<string, string> = {
  gatehouse_gateway_requests_total: 'Requests through the gateway by route class and status class.',
  gatehouse_waf_decisions_total:
    'WAF decisions with matches, by rule, route class, action (block, monitor, allow) and client class.',
  gatehouse_jwt_rejections_total:
    'Requests refused by the JWT rule, by reason (missing, invalid, expired, unavailable).',
  gatehouse_cors_refusals_total: 'Cross-origin requests refused, by route class.',
  gatehouse_crawler_requests_total: 'Requests from crawler user agents by verdict (verified, spoofed).',
  gatehouse_upstream_requests_total: 'Forwarded requests by route class and outcome (ok, status_5xx, unreachable).',
};

/** Upstream (backend) latency buckets in seconds, resolving 1–250 ms like the backend's. */
const UPSTREAM_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.12, 0.25, 0.5, 1, 2.5];

const counts = new Map<string, number>();
const upstream = { buckets: UPSTREAM_BUCKETS.map(() => 0), count: 0, sum: 0 };

export function recordEvent(e: GatewayEvent): void {
  for (const k of eventCounts(e)) counts.set(k, (counts.get(k) ?? 0) + 1);
  if (e.upstream) {
    const s = e.upstream.ms / 1000;
    upstream.count++;
    upstream.sum += s;
    for (let i = 0; i < UPSTREAM_BUCKETS.length; i++) if (s <= UPSTREAM_BUCKETS[i]) upstream.buckets[i]++;
  }
}

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function renderEvents(): string {
  const byName = new Map<string, string[]>();
  for (const [k, v] of [...counts].sort()) {
    const [name, labels] = k.split('|');
    const body = labels
      ? `{${labels
          .split(',')
          .map((p) => {
            const i = p.indexOf('=');
            return `${p.slice(0, i)}="${esc(p.slice(i + 1))}"`;
          })
          .join(',')}}`
      : '';
    const lines = byName.get(name) ?? [];
    lines.push(`${name}${body} ${v}`);
    byName.set(name, lines);
  }
  const out: string[] = [];
  for (const [name, help] of Object.entries(HELP))
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, ...(byName.get(name) ?? []));
  const h = 'gatehouse_upstream_duration_seconds';
  out.push(
    `# HELP ${h} Time the backend took to answer forwarded requests.`,
    `# TYPE ${h} histogram`,
    ...UPSTREAM_BUCKETS.map((b, i) => `${h}_bucket{le="${b}"} ${upstream.buckets[i]}`),
    `${h}_bucket{le="+Inf"} ${upstream.count}`,
    `${h}_sum ${upstream.sum}`,
    `${h}_count ${upstream.count}`,
  );
  return `${out.join('\n')}\n`;
}

/**
 * Series currently held (for the cardinality test).
 * @internal exported for its tests
 */
export function seriesCount(): number {
  return counts.size;
}
