import { parsePrometheusText, type Sample } from '../../../shared/ops/prom-text.ts';
import type { Env } from '../env.ts';
import { analyticsEngineCounts } from './analytics-engine.ts';

/**
 * Where the dashboard's gateway panels get their numbers.
 * - Locally and self-hosted: the gateway's own exposition (`GATEWAY_METRICS_URL`, bearer
 *   `GATEWAY_METRICS_TOKEN`), scraped every SCRAPE_MS and on each dashboard view. Counters only
 *   grow, so a window's count is the newest reading minus the reading from the window's start.
 * - In production (`ANALYTICS_ENGINE_ACCOUNT_ID` + `_API_TOKEN`): Workers Analytics Engine, summed
 *   over the window by its SQL API, because per-isolate counters mean nothing across the fleet.
 * Both answer the same shape: metric name + labels → count in the window.
 */
export interface GatewayWindow {
  source: 'scrape' | 'analytics_engine' | 'none';
  /** Counts in the window, keyed `name|label=value,…` (labels sorted). */
  counts: Map<string, number>;
  /** Gauges as last read (circuit state). */
  gauges: Map<string, number>;
  /** Seconds the Redis circuit has been open (0 closed); null when unknown. */
  circuitOpenSeconds: number | null;
  /** Seconds since the last successful read; null when no source is configured. */
  ageSeconds: number | null;
  error?: string;
}

/** History resolution: one stored reading a minute (24 h = 1,440 readings). */
const HISTORY_MS = 60_000;
const SCRAPE_MS = 15_000;
const KEEP_MS = 24 * 3_600_000 + 2 * HISTORY_MS;
const SCRAPE_TIMEOUT_MS = 2_000;

function seriesKey(s: Sample): string {
  const labels = Object.entries(s.labels)
    .filter(([k]) => k !== 'le')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${s.name}|${labels}`;
}

interface Reading {
  at: number;
  values: Map<string, number>;
}

export class GatewaySource {
  private history: Reading[] = [];
  private latest: Reading | undefined;
  private openSince: number | null = null;
  private lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  private lastAnalyticsOk: number | undefined;

  constructor(
    private readonly env: Pick<
      Env,
      | 'GATEWAY_METRICS_URL'
      | 'GATEWAY_METRICS_TOKEN'
      | 'ANALYTICS_ENGINE_ACCOUNT_ID'
      | 'ANALYTICS_ENGINE_API_TOKEN'
      | 'ANALYTICS_ENGINE_DATASET'
      | 'ANALYTICS_ENGINE_SQL_URL'
    >,
  ) {}

  get mode(): GatewayWindow['source'] {
    if (this.env.ANALYTICS_ENGINE_ACCOUNT_ID && this.env.ANALYTICS_ENGINE_API_TOKEN) return 'analytics_engine';
    return this.env.GATEWAY_METRICS_URL ? 'scrape' : 'none';
  }

  /** Starts the background scrape (unref'd: it never keeps the process alive). */
  start(): this {
    if (this.mode === 'scrape' && !this.timer) {
      void this.scrape();
      this.timer = setInterval(() => void this.scrape(), SCRAPE_MS);
      this.timer.unref();
    }
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One read of the exposition; keeps a reading per minute for the windows. */
  async scrape(): Promise<void> {
    try {
      const res = await fetch(this.env.GATEWAY_METRICS_URL!, {
        headers: this.env.GATEWAY_METRICS_TOKEN ? { authorization: `Bearer ${this.env.GATEWAY_METRICS_TOKEN}` } : {},
        signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`gateway metrics answered ${res.status}`);
      const { samples } = parsePrometheusText(await res.text());
      const values = new Map<string, number>();
      for (const s of samples) {
        // Histogram buckets stay apart by `le`; everything else keys by its labels.
        const key = s.labels.le !== undefined ? `${seriesKey(s)}|le=${s.labels.le}` : seriesKey(s);
        values.set(key, (values.get(key) ?? 0) + s.value);
      }
      const now = Date.now();
      this.latest = { at: now, values };
      const open = values.get('gatehouse_ratelimit_circuit_state|') === 2;
      this.openSince = open ? (this.openSince ?? now) : null;
      const last = this.history.at(-1);
      if (!last || now - last.at >= HISTORY_MS) this.history.push(this.latest);
      while (this.history.length && now - this.history[0].at > KEEP_MS) this.history.shift();
      this.lastError = undefined;
    } catch (e) {
      this.lastError = (e as Error).message;
    }
  }

  /** The counts of the last `minutes`, from the configured source. */
  async window(minutes: number): Promise<GatewayWindow> {
    if (this.mode === 'analytics_engine') {
      const w = await analyticsEngineCounts(this.env, minutes);
      if (!w.error) this.lastAnalyticsOk = Date.now();
      // A failed read is as old as the last good one: the observability light says so.
      return w.error ? { ...w, ageSeconds: (Date.now() - (this.lastAnalyticsOk ?? this.startedAt)) / 1000 } : w;
    }
    if (this.mode === 'none')
      return { source: 'none', counts: new Map(), gauges: new Map(), circuitOpenSeconds: null, ageSeconds: null };
    await this.scrape();
    const now = Date.now();
    const latest = this.latest;
    if (!latest)
      return {
        source: 'scrape',
        counts: new Map(),
        gauges: new Map(),
        circuitOpenSeconds: null,
        ageSeconds: (now - this.startedAt) / 1000,
        error: this.lastError,
      };
    const from = now - minutes * 60_000;
    // The newest reading at or before the window's start; none yet → the gateway's counters from zero.
    let base: Reading | undefined;
    for (const r of this.history) if (r.at <= from) base = r;
    const counts = new Map<string, number>();
    const gauges = new Map<string, number>();
    for (const [k, v] of latest.values) {
      if (k.startsWith('gatehouse_ratelimit_circuit_state')) {
        gauges.set(k, v);
        continue;
      }
      const b = base?.values.get(k) ?? 0;
      // A counter lower than before means the gateway restarted: count from its zero.
      counts.set(k, v >= b ? v - b : v);
    }
    return {
      source: 'scrape',
      counts,
      gauges,
      circuitOpenSeconds: this.openSince === null ? 0 : (now - this.openSince) / 1000,
      ageSeconds: (now - latest.at) / 1000,
      error: this.lastError,
    };
  }
}

/** Sum of the window's counts for `name` whose labels include every `match` pair. */
export function countOf(w: GatewayWindow, name: string, match: Record<string, string> = {}): number {
  let total = 0;
  const want = Object.entries(match).map(([k, v]) => `${k}=${v}`);
  for (const [k, v] of w.counts) {
    const [n, labels = '', le] = k.split('|');
    if (n !== name || le !== undefined) continue;
    const parts = labels.split(',');
    if (want.every((p) => parts.includes(p))) total += v;
  }
  return total;
}

/** Groups the window's counts for `name` by one label. */
export function countBy(w: GatewayWindow, name: string, label: string, match: Record<string, string> = {}) {
  const out = new Map<string, number>();
  const want = Object.entries(match).map(([k, v]) => `${k}=${v}`);
  for (const [k, v] of w.counts) {
    const [n, labels = '', le] = k.split('|');
    if (n !== name || le !== undefined) continue;
    const parts = labels.split(',');
    if (!want.every((p) => parts.includes(p))) continue;
    const value = parts.find((p) => p.startsWith(`${label}=`))?.slice(label.length + 1) ?? '';
    out.set(value, (out.get(value) ?? 0) + v);
  }
  return out;
}

/** A quantile (in ms) of a scraped histogram over the window, from its cumulative `le` buckets; null without data. */
export function histogramQuantileMs(w: GatewayWindow, name: string, q: number): number | null {
  const cumulative = new Map<number, number>();
  for (const [k, v] of w.counts) {
    const [n, , le] = k.split('|');
    if (n !== `${name}_bucket` || !le?.startsWith('le=')) continue;
    const bound = le === 'le=+Inf' ? Number.POSITIVE_INFINITY : Number(le.slice(3));
    cumulative.set(bound, (cumulative.get(bound) ?? 0) + v);
  }
  const bounds = [...cumulative.keys()].sort((a, b) => a - b);
  const total = cumulative.get(Number.POSITIVE_INFINITY) ?? 0;
  if (!total) return null;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const b of bounds) {
    const c = cumulative.get(b)!;
    if (c >= rank) {
      if (b === Number.POSITIVE_INFINITY) return prevBound * 1000;
      const within = c > prevCount ? (rank - prevCount) / (c - prevCount) : 1;
      return (prevBound + (b - prevBound) * within) * 1000;
    }
    prevBound = b;
    prevCount = c;
  }
  return null;
}
