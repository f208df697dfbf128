import { describe, expect, it } from 'vitest';
import type { FailureMode } from '../config/schema/limits.ts';
import { CircuitBreaker } from './breaker.ts';
import { decide, type LimiterBackend } from './degrade.ts';
import { createMemoryLimiter } from './memory.ts';
import { compilePolicy, type CompiledPolicy } from './policies.ts';
import { BackendError, type BackendErrorKind, type Limiter } from './types.ts';
import { gatewayMetric } from '../../../test/support/gateway/metrics.ts';

let seq = 0;
function policy(mode: FailureMode): CompiledPolicy {
  return compilePolicy({
    id: `deg-${mode}-${seq++}`,
    match: { paths: ['/x'], methods: ['GET'] },
    key: 'ip',
    algorithm: 'fixedWindow',
    limit: 8,
    window: '1 h',
    failure:
      mode === 'local' ? { mode, why: 'test policy only', degraded_factor: 0.25 } : { mode, why: 'test policy only' },
    timeout_ms: 100,
    refund_on_success: false,
    missing_key: 'refuse',
    ip_prefix: { v4: 32, v6: 64 },
  });
}

/** A backend whose shared limiter fails with `kind` while `down` is set, counting its calls. */
function failingBackend(kind: BackendErrorKind) {
  const state = { down: true, calls: 0, now: 1_000_000 };
  const breaker = new CircuitBreaker({ now: () => state.now });
  const shared: Limiter = {
    async limit() {
      state.calls++;
      if (state.down) throw new BackendError(kind, 'simulated');
      return { success: true, limit: 8, remaining: 7, reset: Date.now() + 1000 };
    },
  };
  const locals = new Map<string, Limiter>();
  const backend: LimiterBackend = {
    kind: 'redis',
    breaker,
    shared: () => shared,
    local: (p) =>
      locals.get(p.id) ??
      locals
        .set(p.id, createMemoryLimiter({ algorithm: p.algorithm, limit: p.degradedLimit, windowMs: p.windowMs }))
        .get(p.id)!,
  };
  return { backend, state, breaker };
}

describe('failure modes', () => {
  it.each(['timeout', 'network', 'http'] as const)(
    '%s: closed -> unavailable, open -> allow, local -> limit x factor',
    async (kind) => {
      for (const [mode, want] of [
        ['closed', 'unavailable'],
        ['open', 'allow'],
        ['local', 'allow'],
      ] as const) {
        const { backend } = failingBackend(kind);
        const p = policy(mode);
        const logs: string[] = [];
        const d = await decide(p, 'ip:1', backend, { requestId: 'r1', log: (l) => logs.push(l) });
        expect(d).toMatchObject({ outcome: want, source: mode, degraded: kind });
        expect(JSON.parse(logs[0])).toMatchObject({
          msg: 'rate limit degraded',
          policy: p.id,
          mode,
          reason: kind,
          request_id: 'r1',
        });
        expect(gatewayMetric('gatehouse_ratelimit_backend_errors_total', { policy: p.id, kind })).toBe(1);
        expect(gatewayMetric('gatehouse_ratelimit_degraded_total', { policy: p.id, mode, reason: kind })).toBe(1);
      }
    },
  );

  it('local mode admits exactly limit x degraded_factor per key', async () => {
    const { backend } = failingBackend('network');
    const p = policy('local');
    const out = [];
    for (let i = 0; i < 4; i++)
      out.push((await decide(p, 'user:a', backend, { requestId: 'r', log: () => {} })).outcome);
    expect(p.degradedLimit).toBe(2);
    expect(out).toEqual(['allow', 'allow', 'deny', 'deny']);
    expect((await decide(p, 'user:b', backend, { requestId: 'r', log: () => {} })).outcome).toBe('allow');
  });

  it('the open circuit stops calling Redis; recovery after the probe is automatic', async () => {
    const { backend, state, breaker } = failingBackend('timeout');
    const p = policy('open');
    for (let i = 0; i < 10; i++) await decide(p, 'ip:1', backend, { requestId: 'r', log: () => {} });
    expect(state.calls).toBe(3);
    expect(breaker.state).toBe('open');
    const d = await decide(p, 'ip:1', backend, { requestId: 'r', log: () => {} });
    expect(d.degraded).toBe('circuit_open');
    state.down = false;
    state.now += 1050; // past the breaker's cooldown
    const probe = await decide(p, 'ip:1', backend, { requestId: 'r', log: () => {} });
    expect(probe).toMatchObject({ outcome: 'allow', source: 'redis' });
    expect(breaker.state).toBe('closed');
  });
});
