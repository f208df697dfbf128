import { Redis } from '@upstash/redis/cloudflare';
import { CircuitBreaker } from './breaker.ts';
import type { LimiterBackend } from './degrade.ts';
import { createMemoryLimiter } from './memory.ts';
import { recordCircuit } from './metrics.ts';
import type { CompiledPolicy } from './policies.ts';
import { createUpstashLimiter } from './upstash.ts';
import type { Limiter } from './types.ts';

/**
 * The limiter backend of this isolate, built from the bindings on first use and kept at module
 * scope (bindings only arrive with a request in module Workers). Also module scope, on purpose:
 * the ephemeral cache of blocked keys, the circuit breaker and the local fallback counters.
 */

/** Redis key prefix unless RATE_LIMIT_PREFIX says otherwise (tests use one per run). */
const DEFAULT_PREFIX = 'gh:rl';

export interface BackendBindings {
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  RATE_LIMIT_PREFIX?: string;
}

function perPolicy(make: (p: CompiledPolicy) => Limiter) {
  const cache = new Map<string, Limiter>();
  return (p: CompiledPolicy) => {
    let l = cache.get(p.id);
    if (!l) cache.set(p.id, (l = make(p)));
    return l;
  };
}

/** @internal exported for its tests */
export function createBackend(env: BackendBindings): LimiterBackend {
  const breaker = new CircuitBreaker({ onTransition: recordCircuit });
  const local = perPolicy((p) =>
    createMemoryLimiter({ algorithm: p.algorithm, limit: p.degradedLimit, windowMs: p.windowMs }),
  );
  if (!env.UPSTASH_REDIS_REST_URL) {
    const memory = perPolicy((p) =>
      createMemoryLimiter({ algorithm: p.algorithm, limit: p.limit, windowMs: p.windowMs }),
    );
    return { kind: 'memory', shared: memory, local, breaker };
  }
  const redis = new Redis({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN ?? '',
    // No retries: the policy timeout is the whole budget, and the breaker handles outages.
    retry: { retries: 0 },
    enableTelemetry: false,
  });
  const prefix = env.RATE_LIMIT_PREFIX || DEFAULT_PREFIX;
  const shared = perPolicy((p) =>
    createUpstashLimiter(redis, {
      algorithm: p.algorithm,
      limit: p.limit,
      window: p.window,
      prefix: `${prefix}:${p.id}`,
      timeoutMs: p.timeout_ms,
      // One map per policy: a key blocked by one policy must not be blocked for another.
      ephemeralCache: new Map(),
    }),
  );
  return { kind: 'redis', shared, local, breaker };
}

let current: { signature: string; backend: LimiterBackend } | undefined;

/** The isolate's backend for these bindings (rebuilt only if the bindings change). */
export function backendFor(env: BackendBindings): LimiterBackend {
  const signature = `${env.UPSTASH_REDIS_REST_URL ?? ''}|${env.UPSTASH_REDIS_REST_TOKEN ?? ''}|${env.RATE_LIMIT_PREFIX ?? ''}`;
  if (current?.signature !== signature) current = { signature, backend: createBackend(env) };
  return current.backend;
}
