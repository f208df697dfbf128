import type { CompiledPolicy } from './policies.ts';

/**
 * What one limiter answers for one key: the shape @upstash/ratelimit returns, narrowed to what the
 * gateway uses. `reset` is a Unix time in milliseconds. `reason: 'cacheBlock'` means the module-scope
 * ephemeral cache answered without a Redis round trip.
 */
interface LimitResult {
  success: boolean;
  limit: number;
  remaining: number;
  reset: number;
  reason?: 'cacheBlock';
}

/**
 * The limiter contract both implementations pass (test/contract/limiter.case.ts): `rate` tokens are
 * consumed (default 1); a negative rate gives tokens back (a refund never fails and is never limited).
 */
export interface Limiter {
  limit(key: string, rate?: number): Promise<LimitResult>;
}

/** Why a Redis-backed decision could not be made; all three are handled alike (the policy decides). */
export type BackendErrorKind = 'timeout' | 'network' | 'http';

export class BackendError extends Error {
  constructor(
    readonly kind: BackendErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

/** Where a decision came from: metrics and logs are labelled with it. */
export type DecisionSource = 'redis' | 'cache' | 'memory' | 'local' | 'open' | 'closed' | 'grant';

/** Why a decision was degraded: a backend error kind, or the open circuit skipping Redis. */
export type DegradedReason = BackendErrorKind | 'circuit_open';

/** The outcome of one policy for one request: a value, turned into a Response only by the stage. */
export interface Decision {
  policy: CompiledPolicy;
  outcome: 'allow' | 'deny' | 'unavailable';
  source: DecisionSource;
  /** Known when a limiter answered (absent for fail-open and fail-closed decisions). */
  result?: LimitResult;
  degraded?: DegradedReason;
  /** Fail-closed: when to try again (ms). */
  retryAfterMs?: number;
}
