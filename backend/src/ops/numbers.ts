import { ROUTE_CLASSES, type RouteClass } from '../../../shared/ops/route-class.ts';
import type { Db } from '../db/client.ts';
import type { GatewaySource, GatewayWindow } from './gateway-source.ts';
import { LATENCY_BUCKETS, opsWindow } from './metrics.ts';
import { paymentsState, type PaymentsState } from './payments-state.ts';
import { quantile, WINDOWS, type WindowName } from './window.ts';

/** Points per chart, whatever the window (5 m → one a minute, 24 h → one every 24 minutes). */
const CHART_POINTS = 60;

/** Everything the dashboard and the status strip read, for one window. */
export interface OpsNumbers {
  window: WindowName;
  minutes: number;
  generatedAt: string;
  requests: Record<RouteClass, { total: number; byStatus: Record<string, number>; errors: number }>;
  /** Per chart point: requests and 5xx of every class together. */
  series: { requests: number[]; errors: number[] };
  latency: Record<string, { count: number; p50: number | null; p95: number | null }>;
  payments: {
    purchases: Record<string, number>;
    refunds: Record<string, number>;
    replays: number;
    conflicts: Record<string, number>;
    webhooks: Record<string, number>;
    recovery: { runs: number; errors: number; resumed: Record<string, number> };
    state: PaymentsState;
  };
  auth: { logins: Record<string, number>; refreshReuse: number; resets: Record<string, number> };
  gateway: GatewayWindow;
}

/** `name|v1|v2` keys of the minute window → { v_i: n } for the label at `index`. */
function byLabel(prefix: string, minutes: number, index = 0): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of opsWindow.sum(`${prefix}|`, minutes)) {
    const label = k.split('|')[index + 1] ?? '';
    out[label] = (out[label] ?? 0) + v;
  }
  return out;
}

export async function collectNumbers(db: Db, gateway: GatewaySource, window: WindowName): Promise<OpsNumbers> {
  const minutes = WINDOWS[window];
  const requests = Object.fromEntries(
    ROUTE_CLASSES.map((c) => [c, { total: 0, byStatus: {} as Record<string, number>, errors: 0 }]),
  ) as OpsNumbers['requests'];
  for (const [k, v] of opsWindow.sum('gatehouse_http_requests_total|', minutes)) {
    const [, cls, , status] = k.split('|');
    const r = requests[cls as RouteClass];
    if (!r) continue;
    r.total += v;
    r.byStatus[status] = (r.byStatus[status] ?? 0) + v;
    if (status === '5xx') r.errors += v;
  }
  const buckets = new Map<string, number[]>();
  for (const [k, v] of opsWindow.sum('lat|', minutes)) {
    const [, , route, i] = k.split('|');
    const counts = buckets.get(route) ?? new Array(LATENCY_BUCKETS.length + 1).fill(0);
    counts[Number(i)] += v;
    buckets.set(route, counts);
  }
  const latency: OpsNumbers['latency'] = {};
  for (const [route, counts] of buckets) {
    const p = (q: number) => {
      const s = quantile(LATENCY_BUCKETS, counts, q);
      return s === null ? null : s * 1000;
    };
    latency[route] = { count: counts.reduce((a, b) => a + b, 0), p50: p(0.5), p95: p(0.95) };
  }
  const [state, gw] = await Promise.all([paymentsState(db), gateway.window(minutes)]);
  const recoveryRuns = byLabel('gatehouse_payments_recovery_runs_total', minutes);
  return {
    window,
    minutes,
    generatedAt: new Date().toISOString(),
    requests,
    series: {
      requests: opsWindow.series('gatehouse_http_requests_total|', minutes, CHART_POINTS),
      errors: opsWindow.series('gatehouse_http_requests_total|', minutes, CHART_POINTS, '|5xx'),
    },
    latency,
    payments: {
      purchases: byLabel('gatehouse_payments_purchases_total', minutes),
      refunds: byLabel('gatehouse_payments_refunds_total', minutes),
      replays: Object.values(byLabel('gatehouse_payments_idempotent_replays_total', minutes)).reduce(
        (a, b) => a + b,
        0,
      ),
      conflicts: byLabel('gatehouse_payments_idempotency_conflicts_total', minutes, 1),
      webhooks: byLabel('gatehouse_payments_webhook_events_total', minutes),
      recovery: {
        runs: (recoveryRuns.ok ?? 0) + (recoveryRuns.errors ?? 0),
        errors: recoveryRuns.errors ?? 0,
        resumed: byLabel('gatehouse_payments_recovery_resumed_total', minutes),
      },
      state,
    },
    auth: {
      logins: byLabel('gatehouse_auth_logins_total', minutes),
      refreshReuse:
        opsWindow.sum('gatehouse_auth_refresh_reuse_total', minutes).get('gatehouse_auth_refresh_reuse_total') ?? 0,
      resets: byLabel('gatehouse_auth_password_resets_total', minutes),
    },
    gateway: gw,
  };
}
