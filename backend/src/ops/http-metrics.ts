import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from '../logger.ts';
import { recordFailure } from './failed-requests.ts';
import { classifyRoute } from '../../../shared/ops/route-class.ts';
import {
  httpDuration,
  httpInFlight,
  httpRequests,
  idempotencyConflicts,
  idempotentReplays,
  LATENCY_BUCKETS,
  opsWindow,
  purchases,
  refunds,
  webhookEvents,
} from './metrics.ts';

const STATUS_CLASS = ['1xx', '1xx', '2xx', '3xx', '4xx', '5xx'];
/** Outcomes a purchase or refund body may report; anything else is counted as `other`. */
const PURCHASE_OUTCOMES = new Set([
  'succeeded',
  'processing',
  'requires_action',
  'requires_payment_method',
  'failed',
  'canceled',
]);
const REFUND_OUTCOMES = new Set(['succeeded', 'pending', 'failed', 'canceled']);

/** Index of the first bucket holding `seconds` (LATENCY_BUCKETS.length for +Inf). */
function bucketIndex(seconds: number): number {
  let i = 0;
  while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]) i++;
  return i;
}

/**
 * RED metrics per route class (rate, errors by status class, duration), requests in flight, and the
 * payment events a response carries (outcome, replay, key conflict, webhook result). First in the
 * chain after the request id, so its duration covers every other middleware.
 */
export function httpMetrics(log?: Pick<Logger, 'info'>): MiddlewareHandler {
  return async function httpMetrics(c, next) {
    const label = classifyRoute(c.req.path);
    const started = performance.now();
    httpInFlight.inc({ route_class: label.routeClass });
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      httpInFlight.dec({ route_class: label.routeClass });
      const status = c.res.status;
      httpDuration.labels(label.routeClass, label.route).observe(seconds);
      if (status >= 500)
        recordFailure({ requestId: c.get('requestId'), route: label.route, status, at: new Date().toISOString() });
      opsWindow.add(`lat|${label.routeClass}|${label.route}|${bucketIndex(seconds)}`);
      httpRequests.inc({
        route_class: label.routeClass,
        route: label.route,
        status_class: STATUS_CLASS[(status / 100) | 0] ?? '5xx',
      });
      if (
        c.req.method === 'POST' &&
        (label.routeClass === 'purchase' || label.routeClass === 'refund' || label.routeClass === 'webhook')
      )
        await observePayment(c, label.routeClass, log);
    }
  };
}

/**
 * Reads the JSON answer and puts an unread copy back. Not `c.res.clone()`: undici ties the original
 * body stream to the original Response object, and middleware that runs after this one (requestId's
 * `c.header`) replaces that object with one wrapping the same stream; once the replaced object was
 * garbage-collected, undici cancelled the stream and the answer's body was gone ("Body has already
 * been read", seen in backend/src/ops/metrics.test.ts).
 */
async function bodyOf(c: Context): Promise<Record<string, unknown>> {
  if (c.res.body === null) return {};
  const text = await c.res.text();
  c.res = new Response(text, c.res);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

async function observePayment(
  c: Context,
  cls: 'purchase' | 'refund' | 'webhook',
  log?: Pick<Logger, 'info'>,
): Promise<void> {
  const status = c.res.status;
  const body = await bodyOf(c);
  // The join from this request's id to the payment's own ids, which the webhook inbox, the ledger
  // and the outbox log under (docs/runbooks/reading-the-ops-dashboard.md, "follow one request").
  log?.info(
    {
      request_id: c.get('requestId'),
      event: `${cls}_request`,
      status,
      purchase_id: cls === 'purchase' ? body.id : cls === 'refund' ? body.purchase_id : undefined,
      refund_id: cls === 'refund' ? body.id : undefined,
      stripe_event_id: cls === 'webhook' ? body.event_id : undefined,
      outcome: body.status ?? body.outcome ?? body.code,
    },
    'payment request',
  );
  if (cls === 'webhook') {
    const outcome = String(body.outcome ?? '');
    const result =
      status >= 500
        ? 'error'
        : body.code === 'WEBHOOK_SIGNATURE_INVALID'
          ? 'bad_signature'
          : status >= 400
            ? 'rejected'
            : outcome === 'duplicate'
              ? 'duplicate'
              : outcome === 'ignored'
                ? 'unknown_object'
                : 'processed';
    webhookEvents.inc({ result });
    return;
  }
  const operation = cls === 'purchase' ? 'purchase.create' : 'refund.create';
  if (c.res.headers.get('idempotency-replayed') === 'true') {
    idempotentReplays.inc({ operation });
    return;
  }
  if (body.code === 'IDEMPOTENCY_IN_PROGRESS' || body.code === 'IDEMPOTENCY_KEY_REUSED') {
    idempotencyConflicts.inc({ operation, status: String(status) });
    return;
  }
  const known = cls === 'purchase' ? PURCHASE_OUTCOMES : REFUND_OUTCOMES;
  const outcome =
    status >= 500
      ? 'error'
      : status >= 400
        ? 'rejected'
        : known.has(String(body.status))
          ? String(body.status)
          : 'other';
  (cls === 'purchase' ? purchases : refunds).inc({ outcome });
}
