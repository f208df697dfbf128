import { z } from 'zod';
import { parse } from 'yaml';
import { ROUTE_CLASSES, ROUTE_PATTERNS } from './route-class.ts';

/**
 * Schema of ops/alerts.yaml: the thresholds behind the status strip's green/amber/red lights, one
 * list of alerts per launch-gate line. Validated at backend start (a bad file stops it) and by
 * `npm run ops -- lint`. Reference: docs/runbooks/reading-the-ops-dashboard.md.
 */

export const GATE_LINES = ['access', 'monetization', 'performance', 'security', 'observability'] as const;
export type GateLine = (typeof GATE_LINES)[number];

/** What an alert measures over the window; each is computed by backend/src/ops/status.ts. */
export const SIGNALS = {
  error_rate: 'share of requests answered 5xx, over the route classes in `scope`',
  p95_ms: 'p95 latency in ms of the route patterns in `scope` (the worst of them)',
  dead_letters: 'outbox messages given up on (now)',
  duplicates: 'money moved more than once (now; see the duplicates panel)',
  reconciliation_mismatch: 'findings of the last reconciliation',
  reconciliation_age_hours: 'hours since the last reconciliation finished',
  outbox_lag_seconds: 'age of the oldest undelivered outbox message (now)',
  recovery_errors: 'payment recovery rounds that hit errors in the window (PSP unreachable, …)',
  circuit_open_seconds: 'how long the gateway’s Redis circuit has been open (0 = closed)',
  ratelimit_unavailable: 'requests refused because the limiter failed closed (Redis down on an auth route)',
  redis_errors: 'Redis errors of the rate limiter in the window',
  upstream_errors: 'gateway → backend failures (unreachable or 5xx) in the window',
  gateway_metrics_age_seconds: 'seconds since the gateway numbers were last read (scrape or Analytics Engine)',
} as const;
type Signal = keyof typeof SIGNALS;

const WINDOW = z.enum(['5m', '30m', '1h', '24h']);

const AlertSchema = z
  .strictObject({
    /** Stable name shown on the dashboard and in /api/ops/status. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'lowercase letters, digits and dashes'),
    line: z.enum(GATE_LINES),
    signal: z.enum(Object.keys(SIGNALS) as [Signal, ...Signal[]]),
    /** error_rate: route classes; p95_ms: route patterns. */
    scope: z.array(z.string()).min(1).optional(),
    /** The light turns amber when the value is above this (strictly), red when above `red`. */
    amber: z.number().min(0).optional(),
    red: z.number().min(0),
    /** Why this threshold: shown next to the light. */
    why: z.string().min(1),
  })
  .superRefine((a, ctx) => {
    if (a.amber !== undefined && a.amber > a.red)
      ctx.addIssue({ code: 'custom', path: ['amber'], message: 'must not be above red' });
    if ((a.signal === 'error_rate' || a.signal === 'p95_ms') && !a.scope)
      ctx.addIssue({ code: 'custom', path: ['scope'], message: `${a.signal} needs a scope` });
    const allowed: readonly string[] =
      a.signal === 'error_rate' ? ROUTE_CLASSES : a.signal === 'p95_ms' ? ROUTE_PATTERNS : [];
    for (const [i, s] of (a.scope ?? []).entries())
      if (!allowed.includes(s))
        ctx.addIssue({
          code: 'custom',
          path: ['scope', i],
          message: allowed.length ? `unknown; one of ${allowed.join(', ')}` : `${a.signal} takes no scope`,
        });
  });

const AlertsSchema = z
  .strictObject({
    /** The window the strip and /api/ops/status judge by default. */
    window: WINDOW.default('30m'),
    alerts: z.array(AlertSchema).min(1),
  })
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    for (const [i, a] of f.alerts.entries()) {
      if (seen.has(a.id)) ctx.addIssue({ code: 'custom', path: ['alerts', i, 'id'], message: 'repeated' });
      seen.add(a.id);
    }
    for (const line of GATE_LINES)
      if (!f.alerts.some((a) => a.line === line))
        ctx.addIssue({ code: 'custom', path: ['alerts'], message: `no alert for the ${line} line` });
  });

export type AlertsFile = z.output<typeof AlertsSchema>;
export type Alert = AlertsFile['alerts'][number];

/** Parses and validates the YAML text; throws one message listing every problem with its path. */
export function parseAlerts(text: string, file = 'ops/alerts.yaml'): AlertsFile {
  const r = AlertsSchema.safeParse(parse(text));
  if (!r.success)
    throw new Error(
      `${file} is invalid:\n${r.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`).join('\n')}`,
    );
  return r.data;
}
