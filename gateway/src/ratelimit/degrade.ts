import type { CircuitBreaker } from './breaker.ts';
import type { CompiledPolicy } from './policies.ts';
import { recordBackendError, recordDegraded, observeRedisLatency } from './metrics.ts';
import { BackendError, type Decision, type DegradedReason, type Limiter } from './types.ts';

/**
 * The failure-mode wrapper: asks the shared limiter (Redis) unless the circuit is open, and when it
 * cannot answer, a timeout and an error are handled alike and the policy's mode decides:
 *   closed → unavailable (503, e.g. login: no brute force while limits are unknown)
 *   open   → allow (read-only pages keep serving)
 *   local  → an in-isolate limiter at limit × degraded_factor (writes keep a ceiling)
 * Every degraded decision is counted and logged as one JSON line with its reason.
 */
export interface LimiterBackend {
  /** 'redis': shared across hosts, guarded by the breaker; 'memory': no Upstash configured. */
  kind: 'redis' | 'memory';
  shared(policy: CompiledPolicy): Limiter;
  /** In-isolate fallback of `local` policies. */
  local(policy: CompiledPolicy): Limiter;
  breaker: CircuitBreaker;
}

export interface DecideContext {
  requestId: string;
  /** Defaults to console.log; tests capture. */
  log?: (line: string) => void;
  now?: () => number;
}

export async function decide(
  policy: CompiledPolicy,
  key: string,
  backend: LimiterBackend,
  ctx: DecideContext,
): Promise<Decision> {
  if (backend.kind === 'memory') {
    const result = await backend.shared(policy).limit(key);
    return { policy, outcome: result.success ? 'allow' : 'deny', source: 'memory', result };
  }
  if (!backend.breaker.admit()) return degrade(policy, key, backend, ctx, 'circuit_open');
  const now = ctx.now ?? (() => performance.now());
  const started = now();
  try {
    const result = await backend.shared(policy).limit(key);
    if (result.reason === 'cacheBlock') return { policy, outcome: 'deny', source: 'cache', result };
    observeRedisLatency((now() - started) / 1000);
    backend.breaker.success();
    return { policy, outcome: result.success ? 'allow' : 'deny', source: 'redis', result };
  } catch (e) {
    if (!(e instanceof BackendError)) throw e;
    recordBackendError(policy.id, e.kind);
    backend.breaker.failure();
    return degrade(policy, key, backend, ctx, e.kind, e.message);
  }
}

async function degrade(
  policy: CompiledPolicy,
  key: string,
  backend: LimiterBackend,
  ctx: DecideContext,
  reason: DegradedReason,
  error?: string,
): Promise<Decision> {
  const mode = policy.failure.mode;
  recordDegraded(policy.id, mode, reason);
  (ctx.log ?? console.log)(
    JSON.stringify({
      level: 'warn',
      msg: 'rate limit degraded',
      request_id: ctx.requestId,
      policy: policy.id,
      mode,
      reason,
      circuit: backend.breaker.state,
      ...(error ? { error } : {}),
    }),
  );
  switch (mode) {
    case 'closed':
      return {
        policy,
        outcome: 'unavailable',
        source: 'closed',
        degraded: reason,
        retryAfterMs: backend.breaker.retryAfterMs(),
      };
    case 'open':
      return { policy, outcome: 'allow', source: 'open', degraded: reason };
    case 'local': {
      const result = await backend.local(policy).limit(key);
      return { policy, outcome: result.success ? 'allow' : 'deny', source: 'local', degraded: reason, result };
    }
  }
}

/**
 * Gives one token back (successful login). Best effort: a refund that fails is counted by the
 * caller and otherwise ignored; no Redis refund is tried while the circuit is not closed.
 */
export async function refund(decision: Decision, key: string, backend: LimiterBackend): Promise<boolean> {
  const limiter =
    decision.source === 'local'
      ? backend.local(decision.policy)
      : decision.source === 'redis' || decision.source === 'memory'
        ? backend.shared(decision.policy)
        : undefined;
  if (!limiter) return false;
  if (decision.source === 'redis' && backend.breaker.state !== 'closed') return false;
  try {
    await limiter.limit(key, -1);
    return true;
  } catch {
    return false;
  }
}
