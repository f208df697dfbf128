import { GATE_LINES, type Alert, type AlertsFile, type GateLine } from '../../../shared/ops/alerts.ts';
import { countOf } from './gateway-source.ts';
import type { OpsNumbers } from './numbers.ts';

export type Light = 'green' | 'amber' | 'red' | 'unknown';

interface CheckResult {
  id: string;
  signal: Alert['signal'];
  value: number | null;
  amber?: number;
  red: number;
  status: Light;
  why: string;
}
interface LineResult {
  line: GateLine;
  status: Light;
  checks: CheckResult[];
}
export interface OpsStatus {
  status: Light;
  window: string;
  generated_at: string;
  lines: LineResult[];
}

const RANK: Record<Light, number> = { unknown: 0, green: 1, amber: 2, red: 3 };
const worst = (ls: Light[]): Light => ls.reduce<Light>((a, b) => (RANK[b] > RANK[a] ? b : a), 'unknown');

/** The value of one alert's signal in these numbers; null when there is no data to judge by. */
function signalValue(a: Alert, n: OpsNumbers, ctx: { paymentsConfigured: boolean; uptimeSeconds: number }) {
  const gw = n.gateway;
  const hasGateway = gw.source !== 'none';
  const p = n.payments.state;
  switch (a.signal) {
    case 'error_rate': {
      let total = 0;
      let errors = 0;
      for (const c of a.scope ?? []) {
        const r = n.requests[c as keyof OpsNumbers['requests']];
        total += r?.total ?? 0;
        errors += r?.errors ?? 0;
      }
      return total ? errors / total : 0;
    }
    case 'p95_ms': {
      const values = (a.scope ?? []).map((r) => n.latency[r]?.p95).filter((v): v is number => v != null);
      return values.length ? Math.max(...values) : null;
    }
    case 'dead_letters':
      return p.outbox.dead_letters;
    case 'duplicates':
      return p.duplicates.total;
    case 'outbox_lag_seconds':
      return p.outbox.lag_seconds;
    case 'reconciliation_mismatch':
      return p.last_reconciliation?.mismatched ?? null;
    case 'reconciliation_age_hours': {
      const last = p.last_reconciliation;
      if (last) return (Date.now() - Date.parse(last.finished_at)) / 3_600_000;
      // Never reconciled: as old as this process when payments are on, no data otherwise.
      return ctx.paymentsConfigured ? ctx.uptimeSeconds / 3600 : null;
    }
    case 'recovery_errors':
      return n.payments.recovery.errors;
    case 'circuit_open_seconds':
      return hasGateway ? gw.circuitOpenSeconds : null;
    case 'ratelimit_unavailable':
      return hasGateway ? countOf(gw, 'gatehouse_ratelimit_decisions_total', { decision: 'unavailable' }) : null;
    case 'redis_errors':
      return hasGateway ? countOf(gw, 'gatehouse_ratelimit_backend_errors_total') : null;
    case 'upstream_errors':
      return hasGateway
        ? countOf(gw, 'gatehouse_upstream_requests_total', { outcome: 'unreachable' }) +
            countOf(gw, 'gatehouse_upstream_requests_total', { outcome: 'status_5xx' })
        : null;
    case 'gateway_metrics_age_seconds':
      return gw.ageSeconds;
  }
}

function lightFor(value: number | null, a: Pick<Alert, 'amber' | 'red'>): Light {
  if (value === null || Number.isNaN(value)) return 'unknown';
  if (value > a.red) return 'red';
  if (a.amber !== undefined && value > a.amber) return 'amber';
  return 'green';
}

/** One light per launch-gate line (the worst of its alerts), and the worst line overall. */
export function evaluateStatus(
  alerts: AlertsFile,
  n: OpsNumbers,
  ctx: { paymentsConfigured: boolean; uptimeSeconds: number },
): OpsStatus {
  const lines = GATE_LINES.map((line) => {
    const checks = alerts.alerts
      .filter((a) => a.line === line)
      .map((a) => {
        const value = signalValue(a, n, ctx);
        return {
          id: a.id,
          signal: a.signal,
          value: value === null ? null : Math.round(value * 1000) / 1000,
          amber: a.amber,
          red: a.red,
          status: lightFor(value, a),
          why: a.why,
        };
      });
    return { line, status: worst(checks.map((c) => c.status)), checks };
  });
  return { status: worst(lines.map((l) => l.status)), window: n.window, generated_at: n.generatedAt, lines };
}
