import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { limitsWithTimeouts } from '../limits-rules.ts';
import { startStack, type Stack } from '../stack.ts';
import { startRedisBridge, type RedisBridge } from './server.ts';

/** The stack of the rate-limit e2e tests; its fields are set once `beforeAll` has run. */
export interface TwoHostLimitsStack {
  bridge: RedisBridge;
  stack: Stack;
  /** The bridge's token (Upstash REST token of both gateways). */
  token: string;
  /** GATEWAY_METRICS_TOKEN of both gateways. */
  metricsToken: string;
}

const FIXTURE_DIR = path.resolve('test/fixtures/limits');

/**
 * Registers beforeAll/afterAll for two workerd gateways (127.0.0.2, 127.0.0.3) sharing one Redis
 * through the Upstash REST bridge, with the test-only policies of test/fixtures/limits/ and a fresh
 * key prefix per run (the shared Redis keeps other runs' counters). `redisTimeoutMs` replaces the
 * fixture's 1000 ms timeouts.
 */
export function useTwoHostLimitsStack(opts: { redisTimeoutMs?: number } = {}): TwoHostLimitsStack {
  const h = { token: `e2e-${randomUUID()}`, metricsToken: `metrics-${randomUUID()}` } as TwoHostLimitsStack;
  let rulesDir = FIXTURE_DIR;
  beforeAll(async () => {
    // The fixture's 1000 ms timeouts (login, t-read, t-write) become `redisTimeoutMs`; the 3000 ms
    // ones of the exactness routes stay. Every request that reaches a hanging bridge waits that
    // long, so the outage tests ask for less.
    const ms = opts.redisTimeoutMs;
    if (ms) rulesDir = limitsWithTimeouts(path.join(FIXTURE_DIR, 'limits.yaml'), (t) => (t === 1000 ? ms : t));
    h.bridge = await startRedisBridge({ token: h.token });
    h.stack = await startStack({
      gateways: [{ host: '127.0.0.2' }, { host: '127.0.0.3' }],
      gatewayEnv: {
        UPSTASH_REDIS_REST_URL: h.bridge.url,
        UPSTASH_REDIS_REST_TOKEN: h.token,
        RATE_LIMIT_PREFIX: `test:e2e:${randomUUID()}`,
        GATEWAY_RULES_DIR: rulesDir,
        GATEWAY_METRICS_TOKEN: h.metricsToken,
      },
    });
  });
  afterAll(async () => {
    await h.stack?.stop();
    await h.bridge?.close();
    if (rulesDir !== FIXTURE_DIR) rmSync(rulesDir, { recursive: true, force: true });
  });
  return h;
}
