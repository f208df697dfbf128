import type { CircuitState } from './breaker.ts';
import type { BackendErrorKind, DecisionSource, DegradedReason } from './types.ts';

/**
 * Rate-limit metrics of this isolate, rendered in the Prometheus text format (0.0.4) at
 * `GET /__gateway/metrics` (gateway/src/pipeline/metrics/). Counters only grow; a scraper sums
 * over isolates and hosts. No per-client labels: cardinality stays bounded by the policy table.
 */

/** Redis decision latency buckets (seconds): loopback is well under 5 ms, Upstash regional ~10–50 ms. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

type Labels = Record<string, string>;

class Counter {
  readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels, by = 1): void {
    const k = JSON.stringify(Object.entries(labels));
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels): number {
    return this.values.get(JSON.stringify(Object.entries(labels))) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${fmt(JSON.parse(k))} ${v}`);
    return lines.join('\n');
  }
}

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
function fmt(entries: [string, string][]): string {
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}` : '';
}

const decisions = new Counter(
  'gatehouse_ratelimit_decisions_total',
  'Rate-limit decisions by policy, source and decision (allowed, limited, unavailable, skipped).',
);
const nearLimit = new Counter(
  'gatehouse_ratelimit_near_limit_total',
  'Allowed decisions that used at least 80% of the limit.',
);
/** @internal exported for its tests */
export const backendErrors = new Counter(
  'gatehouse_ratelimit_backend_errors_total',
  'Redis failures by policy and kind (timeout, network, http).',
);
/** @internal exported for its tests */
export const degraded = new Counter(
  'gatehouse_ratelimit_degraded_total',
  'Decisions made without Redis, by policy, failure mode and reason.',
);
export const refunds = new Counter(
  'gatehouse_ratelimit_refunds_total',
  'Tokens given back after a successful login, by policy and result.',
);
const circuitTransitions = new Counter(
  'gatehouse_ratelimit_circuit_transitions_total',
  'Circuit breaker state changes by target state.',
);

let circuitState: CircuitState = 'closed';
const latency = { buckets: LATENCY_BUCKETS.map(() => 0), count: 0, sum: 0 };

const NEAR_LIMIT_RATIO = 0.8;

export function recordDecision(
  policy: string,
  source: DecisionSource,
  decision: 'allowed' | 'limited' | 'unavailable' | 'skipped',
  used?: { limit: number; remaining: number },
): void {
  decisions.inc({ policy, source, decision });
  if (
    decision === 'allowed' &&
    used &&
    used.limit > 0 &&
    (used.limit - used.remaining) / used.limit >= NEAR_LIMIT_RATIO
  )
    nearLimit.inc({ policy, source });
}

export function recordBackendError(policy: string, kind: BackendErrorKind): void {
  backendErrors.inc({ policy, kind });
}

export function recordDegraded(policy: string, mode: string, reason: DegradedReason): void {
  degraded.inc({ policy, mode, reason });
}

export function recordCircuit(to: CircuitState): void {
  circuitState = to;
  circuitTransitions.inc({ to });
}

export function observeRedisLatency(seconds: number): void {
  latency.count++;
  latency.sum += seconds;
  LATENCY_BUCKETS.forEach((b, i) => {
    if (seconds <= b) latency.buckets[i]++;
  });
}

/** The whole registry in Prometheus text format. */
export function renderMetrics(): string {
  const h = 'gatehouse_ratelimit_redis_latency_seconds';
  const hist = [
    `# HELP ${h} Latency of Redis-backed rate-limit decisions.`,
    `# TYPE ${h} histogram`,
    ...LATENCY_BUCKETS.map((b, i) => `${h}_bucket{le="${b}"} ${latency.buckets[i]}`),
    `${h}_bucket{le="+Inf"} ${latency.count}`,
    `${h}_sum ${latency.sum}`,
    `${h}_count ${latency.count}`,
  ].join('\n');
  const circuit = [
    '# HELP gatehouse_ratelimit_circuit_state Circuit breaker in front of Redis: 0 closed, 1 half-open, 2 open.',
    '# TYPE gatehouse_ratelimit_circuit_state gauge',
    `gatehouse_ratelimit_circuit_state ${CIRCUIT_VALUE[circuitState]}`,
  ].join('\n');
  return (
    [decisions, nearLimit, backendErrors, degraded, refunds, circuitTransitions]
      .map((c) => c.render())
      .concat(circuit, hist)
      .join('\n') + '\n'
  );
}
