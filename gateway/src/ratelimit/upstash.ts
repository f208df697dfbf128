import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';
import type { Algorithm, Duration } from '../config/schema/limits.ts';
import { BackendError, type Limiter } from './types.ts';

/**
 * Redis-backed limiters: @upstash/ratelimit does the counting (one EVALSHA round trip per decision),
 * this file only maps its answers onto the limiter contract and classifies failures.
 */

interface Options {
  algorithm: Algorithm;
  limit: number;
  window: string;
  /** Redis key prefix, e.g. `gh:rl:login-ip`. */
  prefix: string;
  timeoutMs: number;
  /** Module-scope map: keys blocked until their reset are answered without Redis (`cacheBlock`). */
  ephemeralCache?: Map<string, number>;
}

/** Only what the library calls: EVALSHA, with EVAL after NOSCRIPT (style: narrow ports). */
export type RatelimitRedis = Pick<Redis, 'evalsha' | 'eval'>;

function limiterFor(algorithm: Algorithm, limit: number, window: Duration) {
  switch (algorithm) {
    case 'fixedWindow':
      return Ratelimit.fixedWindow(limit, window);
    case 'slidingWindow':
      return Ratelimit.slidingWindow(limit, window);
    // Refill the whole bucket once per window: the policy's `limit` per `window`, bursts up to `limit`.
    case 'tokenBucket':
      return Ratelimit.tokenBucket(limit, window, limit);
  }
}

/** Maps an @upstash/redis failure to a kind: an HTTP answer that is not 2xx, or no answer at all. */
function classifyError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  const name = (e as Error)?.name ?? '';
  // The library appends the whole command (keys included) to its messages; keep only the cause.
  const message = String((e as Error)?.message ?? e)
    .split(', command was:')[0]
    .slice(0, 200);
  if (name === 'UpstashError' || name === 'UpstashJSONParseError' || name === 'UrlError')
    return new BackendError('http', message);
  return new BackendError('network', message);
}

export function createUpstashLimiter(redis: RatelimitRedis, opts: Options): Limiter {
  const rl = new Ratelimit({
    redis: redis as Redis,
    limiter: limiterFor(opts.algorithm, opts.limit, opts.window.replace(/^(\d+) ?/, '$1 ') as Duration),
    prefix: opts.prefix,
    // The library answers `success: true, reason: 'timeout'` after this long; we turn that into a
    // BackendError so the policy's failure mode decides instead of a silent fail-open.
    timeout: opts.timeoutMs,
    ephemeralCache: opts.ephemeralCache ?? false,
    analytics: false,
  });
  return {
    async limit(key, rate) {
      let r: Awaited<ReturnType<typeof rl.limit>>;
      try {
        r = await rl.limit(key, rate === undefined ? undefined : { rate });
      } catch (e) {
        throw classifyError(e);
      }
      if (r.reason === 'timeout') throw new BackendError('timeout', `no answer within ${opts.timeoutMs} ms`);
      return {
        success: r.success,
        limit: r.limit,
        remaining: r.remaining,
        reset: r.reset,
        ...(r.reason === 'cacheBlock' ? { reason: 'cacheBlock' as const } : {}),
      };
    },
  };
}
