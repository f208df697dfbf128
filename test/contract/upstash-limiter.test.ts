import { randomUUID } from 'node:crypto';
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstashLimiter } from '../../gateway/src/ratelimit/upstash.ts';
import { startRedisBridge, type RedisBridge } from '../support/redis-bridge/server.ts';
import { runLimiterContract } from './limiter.case.ts';

/** The Upstash-backed limiter on the real Redis through the project's REST bridge. */
const TOKEN = `contract-${randomUUID()}`;
const RUN = `test:contract:${randomUUID()}`;
let bridge: RedisBridge;
let redis: Redis;
let n = 0;

beforeAll(async () => {
  bridge = await startRedisBridge({ token: TOKEN });
  redis = new Redis({ url: bridge.url, token: TOKEN, retry: { retries: 0 }, enableTelemetry: false });
});
afterAll(async () => {
  await bridge?.close();
});

runLimiterContract('upstash', ({ algorithm, limit, window }) =>
  // A fresh prefix and ephemeral cache per limiter: cases never see each other's keys.
  createUpstashLimiter(redis, {
    algorithm,
    limit,
    window,
    prefix: `${RUN}:${n++}`,
    timeoutMs: 2000,
    ephemeralCache: new Map(),
  }),
);

describe('upstash limiter failures', () => {
  it('a wrong token is an http error, a hanging bridge a timeout, a closed port a network error', async () => {
    const wrong = new Redis({ url: bridge.url, token: 'wrong', retry: { retries: 0 }, enableTelemetry: false });
    // Answers (even an error) get 2 s, as on a loaded CI machine a round trip after a restart can
    // take more than 200 ms; only the hanging bridge is waited on for 200 ms.
    const opts = { algorithm: 'fixedWindow' as const, limit: 5, window: '1 m', prefix: `${RUN}:f`, timeoutMs: 2000 };
    await expect(createUpstashLimiter(wrong, opts).limit('x')).rejects.toMatchObject({ kind: 'http' });
    bridge.setMode('hang');
    await expect(createUpstashLimiter(redis, { ...opts, timeoutMs: 200 }).limit('x')).rejects.toMatchObject({
      kind: 'timeout',
    });
    bridge.setMode('normal');
    await bridge.stop();
    try {
      await expect(createUpstashLimiter(redis, opts).limit('x')).rejects.toMatchObject({ kind: 'network' });
    } finally {
      await bridge.start();
    }
    expect((await createUpstashLimiter(redis, opts).limit('x')).success).toBe(true);
  });

  it('a blocked key is answered from the ephemeral cache without Redis', async () => {
    const l = createUpstashLimiter(redis, {
      algorithm: 'fixedWindow',
      limit: 1,
      window: '1 m',
      prefix: `${RUN}:cache`,
      timeoutMs: 1000,
      ephemeralCache: new Map(),
    });
    expect((await l.limit('c')).success).toBe(true);
    expect((await l.limit('c')).reason).toBeUndefined();
    bridge.setMode('hang');
    try {
      const r = await l.limit('c');
      expect(r).toMatchObject({ success: false, reason: 'cacheBlock' });
    } finally {
      bridge.setMode('normal');
    }
  });
});
