import { Counter, Gauge, Histogram } from '../../../shared/ops/prometheus.ts';
import type { CircuitState } from './breaker.ts';
import type { BackendErrorKind, DecisionSource, DegradedReason } from './types.ts';

/**
 * Rate-limit metrics of this isolate, served in the Prometheus text format at
 * `GET /__gateway/metrics` (metrics/registry.ts). Counters only grow; a scraper sums over isolates
 * and hosts. No per-client labels: cardinality stays bounded by the policy table.
 */

/** Redis decision latency buckets (seconds): loopback is well under 5 ms, Upstash regional ~10–50 ms. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

const decisions = new Counter({
  name: 'gatehouse_ratelimit_decisions_total',
  help: 'Rate-limit decisions by policy, source and decision (allowed, limited, unavailable, skipped).',
  labelNames: ['policy', 'source', 'decision'],
});
const nearLimit = new Counter({
  name: 'gatehouse_ratelimit_near_limit_total',
  help: 'Allowed decisions that used at least 80% of the limit.',
  labelNames: ['policy', 'source'],
});
const backendErrors = new Counter({
  name: 'gatehouse_ratelimit_backend_errors_total',
  help: 'Redis failures by policy and kind (timeout, network, http).',
  labelNames: ['policy', 'kind'],
});
const degraded = new Counter({
  name: 'gatehouse_ratelimit_degraded_total',
  help: 'Decisions made without Redis, by policy, failure mode and reason.',
  labelNames: ['policy', 'mode', 'reason'],
});
export const refunds = new Counter({
  name: 'gatehouse_ratelimit_refunds_total',
  help: 'Tokens given back after a successful login, by policy and result.',
  labelNames: ['policy', 'result'],
});
const circuitTransitions = new Counter({
  name: 'gatehouse_ratelimit_circuit_transitions_total',
  help: 'Circuit breaker state changes by target state.',
  labelNames: ['to'],
});
const circuitState = new Gauge({
  name: 'gatehouse_ratelimit_circuit_state',
  help: 'Circuit breaker in front of Redis: 0 closed, 1 half-open, 2 open.',
});
const redisLatency = new Histogram({
  name: 'gatehouse_ratelimit_redis_latency_seconds',
  help: 'Latency of Redis-backed rate-limit decisions.',
  buckets: LATENCY_BUCKETS,
});
const latency = redisLatency.labels();

export const rateLimitMetrics = [
  decisions,
  nearLimit,
  backendErrors,
  degraded,
  refunds,
  circuitTransitions,
  circuitState,
  redisLatency,
];

const NEAR_LIMIT_RATIO = 0.8;

export function recordDecision(
  policy: string,
  source: DecisionSource,
  decision: 'allowed' | 'limited' | 'unavailable' | 'skipped',
  used?: { limit: number; remaining: number },
): void {
  decisions.labels(policy, source, decision).inc();
  if (
    decision === 'allowed' &&
    used &&
    used.limit > 0 &&
    (used.limit - used.remaining) / used.limit >= NEAR_LIMIT_RATIO
  )
    nearLimit.labels(policy, source).inc();
}

export function recordBackendError(policy: string, kind: BackendErrorKind): void {
  backendErrors.labels(policy, kind).inc();
}

export function recordDegraded(policy: string, mode: string, reason: DegradedReason): void {
  degraded.labels(policy, mode, reason).inc();
}

export function recordCircuit(to: CircuitState): void {
  circuitState.set(CIRCUIT_VALUE[to]);
  circuitTransitions.labels(to).inc();
}

export function observeRedisLatency(seconds: number): void {
  latency.observe(seconds);
}
