import { describe, expect, it } from 'vitest';
import { createMemoryLimiter } from './memory.ts';

describe('in-memory limiter under a key-spraying flood', () => {
  it('stays bounded, forgets the oldest keys first and keeps counting the recent ones', async () => {
    const limiter = createMemoryLimiter({ algorithm: 'fixedWindow', limit: 1, windowMs: 60_000, now: () => 1_000 });
    for (let i = 0; i < 25_000; i++) expect((await limiter.limit(`ip:${i}`)).success).toBe(true);
    // The newest keys are still counted: a second request is over the limit of 1.
    for (const i of [24_999, 24_000, 20_000]) expect((await limiter.limit(`ip:${i}`)).success).toBe(false);
    // The first keys were evicted to bound memory: they start over.
    expect((await limiter.limit('ip:0')).success).toBe(true);
  });

  it('sweeps expired keys before evicting live ones', async () => {
    let t = 0;
    const limiter = createMemoryLimiter({ algorithm: 'fixedWindow', limit: 1, windowMs: 1_000, now: () => t });
    await limiter.limit('live');
    t = 500;
    for (let i = 0; i < 9_999; i++) await limiter.limit(`old:${i}`);
    t = 1_600; // every `old:` entry expired (at 1,500); so did `live`'s first window (at 1,000)
    await limiter.limit('live'); // a new window: its own entry
    for (let i = 0; i < 5_000; i++) await limiter.limit(`new:${i}`);
    expect((await limiter.limit('live')).success).toBe(false);
  });
});
