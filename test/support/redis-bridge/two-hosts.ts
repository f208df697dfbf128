import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { parse, stringify } from 'yaml';
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
 * The fixture policies with each 1000 ms Redis timeout (login, t-read, t-write) set to `ms`, in a
 * temporary rules directory; the 3000 ms ones of the exactness routes stay. Every request that
 * reaches a hanging bridge waits that long, so the outage tests ask for less.
 */
function fixtureWithTimeout(ms: number): string {
  const doc = parse(readFileSync(path.join(FIXTURE_DIR, 'limits.yaml'), 'utf8')) as {
    policies: { timeout_ms?: number }[];
  };
  for (const p of doc.policies) if (p.timeout_ms === 1000) p.timeout_ms = ms;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-limits-'));
  writeFileSync(path.join(dir, 'limits.yaml'), stringify(doc));
  return dir;
}

/**
 * Registers beforeAll/afterAll for two workerd gateways (127.0.0.2, 127.0.0.3) sharing one Redis
 * through the Upstash REST bridge, with the test-only policies of test/fixtures/limits/ and a fresh
 * key prefix per run (the shared Redis keeps other runs' counters). `redisTimeoutMs` replaces the
 * fixture's 1000 ms timeouts (see fixtureWithTimeout).
 */
export function useTwoHostLimitsStack(opts: { redisTimeoutMs?: number } = {}): TwoHostLimitsStack {
  const h = { token: `e2e-${randomUUID()}`, metricsToken: `metrics-${randomUUID()}` } as TwoHostLimitsStack;
  let rulesDir = FIXTURE_DIR;
  beforeAll(async () => {
    if (opts.redisTimeoutMs) rulesDir = fixtureWithTimeout(opts.redisTimeoutMs);
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
