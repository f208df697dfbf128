import {
  EVENT_LABELS,
  type EventSeries,
  forEachSeries,
  type GatewayEvent,
} from '../../../shared/ops/gateway-events.ts';
import { Counter, Histogram } from '../../../shared/ops/prometheus.ts';

/**
 * This isolate's counters of gateway decisions (WAF by rule/route/action/client class, JWT
 * rejections by reason, CORS refusals, crawler verdicts, upstream outcomes) and the upstream
 * latency histogram, served at `GET /__gateway/metrics` (metrics/registry.ts). Series come from
 * `forEachSeries`, the same function the Analytics Engine reader uses, so both paths agree.
 */

const HELP: Partial<Record<EventSeries, string>> = {
  gatehouse_gateway_requests_total: 'Requests through the gateway by route class and status class.',
  gatehouse_waf_decisions_total:
    'WAF decisions with matches, by rule, route class, action (block, monitor, allow) and client class.',
  gatehouse_jwt_rejections_total:
    'Requests refused by the JWT rule, by reason (missing, invalid, expired, unavailable).',
  gatehouse_cors_refusals_total: 'Cross-origin requests refused, by route class.',
  gatehouse_crawler_requests_total: 'Requests from crawler user agents by verdict (verified, spoofed).',
  gatehouse_upstream_requests_total: 'Forwarded requests by route class and outcome (ok, status_5xx, unreachable).',
};

const counters: Partial<Record<EventSeries, Counter<string>>> = {};
for (const [name, help] of Object.entries(HELP) as [EventSeries, string][])
  counters[name] = new Counter({ name, help, labelNames: EVENT_LABELS[name] });

/** Upstream (backend) latency buckets in seconds, resolving 1–250 ms like the backend's. */
const UPSTREAM_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.12, 0.25, 0.5, 1, 2.5];
const upstreamDuration = new Histogram({
  name: 'gatehouse_upstream_duration_seconds',
  help: 'Time the backend took to answer forwarded requests.',
  buckets: UPSTREAM_BUCKETS,
});
const upstream = upstreamDuration.labels();

export const eventMetrics = [...Object.values(counters), upstreamDuration];

// Rate-limit series never come (withRateLimit false): the limiter counts those itself.
const count = (series: EventSeries, values: string[]) => counters[series]!.labels(...values).inc();

export function recordEvent(e: GatewayEvent): void {
  forEachSeries(e, false, count);
  if (e.upstream) upstream.observe(e.upstream.ms / 1000);
}
