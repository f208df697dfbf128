/**
 * Per-minute counts of this process for the dashboard's windows (5 m, 30 m, 1 h, 24 h). Prometheus
 * counters only grow, so "how many in the last 30 minutes" needs either a Prometheus server or
 * this: one small map per minute, kept for 24 hours, summed on demand. Keys are metric name plus
 * bounded label values, so memory is bounded by (minutes × series).
 */

const MINUTE_MS = 60_000;
/** 24 hours and the minute in progress. */
const KEEP_MINUTES = 24 * 60 + 1;

export const WINDOWS = { '5m': 5, '30m': 30, '1h': 60, '24h': 24 * 60 } as const;
export type WindowName = keyof typeof WINDOWS;

export class MinuteWindow {
  private readonly minutes = new Map<number, Map<string, number>>();
  private current = -1;
  private bucket = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  add(key: string, by = 1): void {
    const m = Math.floor(this.now() / MINUTE_MS);
    if (m !== this.current) this.roll(m);
    this.bucket.set(key, (this.bucket.get(key) ?? 0) + by);
  }

  private roll(m: number): void {
    this.current = m;
    this.bucket = this.minutes.get(m) ?? new Map();
    this.minutes.set(m, this.bucket);
    for (const k of this.minutes.keys()) if (k <= m - KEEP_MINUTES) this.minutes.delete(k);
  }

  /** Sum of every key starting with `prefix` over the last `minutes` (the current one included). */
  sum(prefix: string, minutes: number): Map<string, number> {
    const out = new Map<string, number>();
    const from = Math.floor(this.now() / MINUTE_MS) - minutes + 1;
    for (const [m, bucket] of this.minutes) {
      if (m < from) continue;
      for (const [k, v] of bucket) if (k.startsWith(prefix)) out.set(k, (out.get(k) ?? 0) + v);
    }
    return out;
  }

  /**
   * `points` consecutive sums of keys starting with `prefix` (and ending with `suffix`), oldest
   * first, covering the last `minutes`.
   */
  series(prefix: string, minutes: number, points: number, suffix = ''): number[] {
    const step = Math.max(1, Math.ceil(minutes / points));
    const n = Math.ceil(minutes / step);
    const out = new Array<number>(n).fill(0);
    const last = Math.floor(this.now() / MINUTE_MS);
    for (const [m, bucket] of this.minutes) {
      const age = last - m;
      if (age < 0 || age >= n * step) continue;
      const i = n - 1 - Math.floor(age / step);
      for (const [k, v] of bucket) if (k.startsWith(prefix) && k.endsWith(suffix)) out[i] += v;
    }
    return out;
  }

  /** Tests only. */
  clear(): void {
    this.minutes.clear();
    this.current = -1;
  }
}

/** The quantile `q` of a histogram given as cumulative-free bucket counts, interpolated inside the bucket. */
export function quantile(bounds: readonly number[], counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    if (seen + counts[i] >= rank) {
      const lo = i === 0 ? 0 : bounds[i - 1];
      const hi = i < bounds.length ? bounds[i] : bounds[bounds.length - 1];
      const within = counts[i] ? (rank - seen) / counts[i] : 1;
      return lo + (hi - lo) * within;
    }
    seen += counts[i];
  }
  return bounds[bounds.length - 1];
}
