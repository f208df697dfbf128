import { Counter, Gauge, Histogram, Registry } from '../../../shared/ops/prometheus.ts';
import { MinuteWindow } from './window.ts';

/**
 * The backend's metrics: one registry per process (served at `GET /metrics`, rendered by the
 * renderer the gateway shares, shared/ops/prometheus.ts) and the
 * same events counted per minute in `opsWindow` (read by the ops dashboard for its 5 m … 24 h
 * windows). Every label value comes from a closed set (route table, outcome unions), never from a
 * path, an address or a user.
 */
export const registry = new Registry();
export const opsWindow = new MinuteWindow();

/**
 * Latency buckets in seconds: fine from 1 ms to 250 ms, with edges at our 25 ms goal and the
 * launch gate's 120 ms, so p50/p95 against both read from the buckets without guessing.
 */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.035, 0.05, 0.075, 0.1, 0.12, 0.15, 0.2, 0.25, 0.5, 1, 2.5,
];

/** A counter whose increments also land in the minute window under `name|v1|v2…`. */
class WindowedCounter<L extends string> {
  readonly counter: Counter<L>;
  constructor(
    readonly name: string,
    help: string,
    readonly labelNames: readonly L[],
  ) {
    this.counter = registry.register(new Counter({ name, help, labelNames }));
  }
  inc(labels: Record<L, string>, by = 1): void {
    this.counter.inc(labels, by);
    let key = this.name;
    for (const l of this.labelNames) key += `|${labels[l]}`;
    opsWindow.add(key, by);
  }
}

// RED per route class.
export const httpRequests = new WindowedCounter(
  'gatehouse_http_requests_total',
  'Requests by route class, route pattern and status class (2xx, 3xx, 4xx, 5xx).',
  ['route_class', 'route', 'status_class'],
);
export const httpDuration = registry.register(
  new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'Time from the first middleware to the response, by route class and route pattern.',
    labelNames: ['route_class', 'route'],
    buckets: LATENCY_BUCKETS,
  }),
);
export const httpInFlight = registry.register(
  new Gauge({
    name: 'gatehouse_http_requests_in_flight',
    help: 'Requests being handled now, by route class.',
    labelNames: ['route_class'],
  }),
);

// Payments (events; the state gauges are set from the database at each scrape, see payments-gauges.ts).
export const purchases = new WindowedCounter(
  'gatehouse_payments_purchases_total',
  'Purchase requests by outcome (succeeded, processing, requires_action, failed, rejected, error).',
  ['outcome'],
);
export const refunds = new WindowedCounter(
  'gatehouse_payments_refunds_total',
  'Refund requests by outcome (succeeded, pending, failed, rejected, error).',
  ['outcome'],
);
export const idempotentReplays = new WindowedCounter(
  'gatehouse_payments_idempotent_replays_total',
  'Requests answered from a finished Idempotency-Key, by operation.',
  ['operation'],
);
export const idempotencyConflicts = new WindowedCounter(
  'gatehouse_payments_idempotency_conflicts_total',
  'Idempotency-Key conflicts by operation and status (409 still running, 422 reused with another request).',
  ['operation', 'status'],
);
export const webhookEvents = new WindowedCounter(
  'gatehouse_payments_webhook_events_total',
  'Stripe webhook deliveries by result (processed, duplicate, bad_signature, unknown_object, error).',
  ['result'],
);
export const recoveryRuns = new WindowedCounter(
  'gatehouse_payments_recovery_runs_total',
  'Payment recovery rounds by result (ok, errors).',
  ['result'],
);
export const recoveryResumed = new WindowedCounter(
  'gatehouse_payments_recovery_resumed_total',
  'What recovery rounds resumed or settled (keys, purchases, refunds).',
  ['what'],
);

// Auth.
export const logins = new WindowedCounter(
  'gatehouse_auth_logins_total',
  'Login attempts (API and forms) by outcome (success, failure).',
  ['outcome'],
);
export const refreshReuse = new WindowedCounter(
  'gatehouse_auth_refresh_reuse_total',
  'Rotated refresh tokens presented again (the family is revoked).',
  [],
);
export const passwordResetEvents = new WindowedCounter(
  'gatehouse_auth_password_resets_total',
  'Password resets by stage (requested, completed).',
  ['stage'],
);
