import type { Algorithm } from '../config/schema/limits.ts';
import type { Limiter } from './types.ts';

/**
 * In-memory limiters with the same arithmetic as @upstash/ratelimit's single-region Lua scripts
 * (fixed window, sliding window, token bucket), so the in-memory and Redis-backed limiters pass one
 * contract suite. Used when no Upstash URL is configured (one host only) and as the per-isolate
 * fallback of `local` policies while Redis is unreachable.
 */

/** Keys kept per limiter before expired entries are swept: bounds memory under a key-spraying flood. */
const MAX_KEYS = 10_000;
/** Size a full map is swept down to: the sweep's cost is spread over the next 1,000 new keys. */
const SWEPT_TO = 9_000;

interface Options {
  algorithm: Algorithm;
  limit: number;
  windowMs: number;
  /** Injected clock for tests. */
  now?: () => number;
}

interface Entry {
  expires: number;
}

function boundedMap<E extends Entry>(now: () => number) {
  const map = new Map<string, E>();
  return {
    get(key: string): E | undefined {
      const e = map.get(key);
      if (e && e.expires <= now()) {
        map.delete(key);
        return undefined;
      }
      return e;
    },
    set(key: string, e: E) {
      if (!map.has(key) && map.size >= MAX_KEYS) {
        const t = now();
        for (const [k, v] of map) if (v.expires <= t) map.delete(k);
        // Still nearly full: drop the oldest insertions (a Map iterates in insertion order) down to
        // SWEPT_TO, so the next O(n) sweep is MAX_KEYS - SWEPT_TO new keys away. Sweeping for every
        // new key once full cost a 10,000-entry scan per request under many client addresses.
        for (const k of map.keys()) {
          if (map.size <= SWEPT_TO) break;
          map.delete(k);
        }
      }
      map.set(key, e);
    },
  };
}

/** Fixed window: INCRBY on the current window's counter; allowed while the count is ≤ limit. */
function fixedWindow({ limit, windowMs, now = Date.now }: Options): Limiter {
  const counters = boundedMap<Entry & { count: number }>(now);
  return {
    async limit(key, rate = 1) {
      const t = now();
      const bucket = Math.floor(t / windowMs);
      const k = `${key}:${bucket}`;
      const e = counters.get(k) ?? { count: 0, expires: t + windowMs };
      e.count += rate;
      counters.set(k, e);
      return {
        success: e.count <= limit,
        limit,
        remaining: Math.max(0, limit - e.count),
        reset: (bucket + 1) * windowMs,
      };
    },
  };
}

/** Sliding window: the previous window's count weighted by its remaining overlap, plus the current. */
function slidingWindow({ limit, windowMs, now = Date.now }: Options): Limiter {
  const counters = boundedMap<Entry & { count: number }>(now);
  return {
    async limit(key, rate = 1) {
      const t = now();
      const current = Math.floor(t / windowMs);
      const reset = (current + 1) * windowMs;
      const cur = counters.get(`${key}:${current}`)?.count ?? 0;
      const prevRaw = counters.get(`${key}:${current - 1}`)?.count ?? 0;
      const prev = Math.floor((1 - (t % windowMs) / windowMs) * prevRaw);
      if (rate > 0 && prev + cur >= limit) return { success: false, limit, remaining: 0, reset };
      const e = counters.get(`${key}:${current}`) ?? { count: 0, expires: t + windowMs * 2 + 1000 };
      e.count += rate;
      counters.set(`${key}:${current}`, e);
      const remaining = limit - (e.count + prev);
      return { success: remaining >= 0, limit, remaining: Math.max(0, remaining), reset };
    },
  };
}

/** Token bucket: `limit` tokens, refilled by `limit` every window (as our policies configure it). */
function tokenBucket({ limit, windowMs, now = Date.now }: Options): Limiter {
  const buckets = boundedMap<Entry & { refilledAt: number; tokens: number }>(now);
  return {
    async limit(key, rate = 1) {
      const t = now();
      const b = buckets.get(key) ?? { refilledAt: t, tokens: limit, expires: 0 };
      if (t >= b.refilledAt + windowMs) {
        const refills = Math.floor((t - b.refilledAt) / windowMs);
        b.tokens = Math.min(limit, b.tokens + refills * limit);
        b.refilledAt += refills * windowMs;
      }
      const reset = b.refilledAt + windowMs;
      if (rate > 0 && b.tokens < rate) return { success: false, limit, remaining: 0, reset };
      b.tokens -= rate;
      b.expires = t + Math.max(1, Math.ceil((limit - b.tokens) / limit)) * windowMs;
      buckets.set(key, b);
      return { success: true, limit, remaining: Math.max(0, b.tokens), reset };
    },
  };
}

const ALGORITHMS = { fixedWindow, slidingWindow, tokenBucket } satisfies Record<Algorithm, (o: Options) => Limiter>;

/** An in-memory limiter for one policy (per isolate: hosts do not share it). */
export function createMemoryLimiter(opts: Options): Limiter {
  return ALGORITHMS[opts.algorithm](opts);
}
