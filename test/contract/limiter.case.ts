import { describe, expect, it } from 'vitest';
import type { Algorithm } from '../../gateway/src/config/schema/limits.ts';
import type { Limiter } from '../../gateway/src/ratelimit/types.ts';

/**
 * The limiter contract (style point 12): the in-memory limiter and the Upstash-backed one (through
 * the REST bridge, on the real Redis) run these same cases. `make` returns a fresh limiter whose
 * keys no other test shares.
 */
export type MakeLimiter = (o: { algorithm: Algorithm; limit: number; window: string }) => Limiter;

const ALGORITHMS: Algorithm[] = ['fixedWindow', 'slidingWindow', 'tokenBucket'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Cases other than the rollover use a one-hour window so a window boundary (fixed windows start on
// multiples of the window) practically never falls inside a case.
export function runLimiterContract(name: string, make: MakeLimiter) {
  describe.each(ALGORITHMS)(`${name}: %s`, (algorithm) => {
    it('admits exactly the limit in sequence, then refuses, with remaining counting down', async () => {
      const l = make({ algorithm, limit: 5, window: '1 h' });
      const before = Date.now();
      const results = [];
      for (let i = 0; i < 7; i++) results.push(await l.limit('k'));
      expect(results.map((r) => r.success)).toEqual([true, true, true, true, true, false, false]);
      expect(results.slice(0, 5).map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0]);
      for (const r of results) {
        expect(r.limit).toBe(5);
        expect(r.reset).toBeGreaterThan(before);
        expect(r.reset).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1000);
      }
    });

    it('keys are independent', async () => {
      const l = make({ algorithm, limit: 2, window: '1 h' });
      expect((await l.limit('a')).success).toBe(true);
      expect((await l.limit('a')).success).toBe(true);
      expect((await l.limit('a')).success).toBe(false);
      expect((await l.limit('b')).success).toBe(true);
    });

    it('concurrent requests admit exactly the limit', async () => {
      const l = make({ algorithm, limit: 10, window: '1 h' });
      const results = await Promise.all(Array.from({ length: 40 }, () => l.limit('burst')));
      expect(results.filter((r) => r.success).length).toBe(10);
    });

    it('a refund (rate -1) gives exactly one token back', async () => {
      const l = make({ algorithm, limit: 3, window: '1 h' });
      for (let i = 0; i < 3; i++) expect((await l.limit('r')).success).toBe(true);
      await l.limit('r', -1);
      expect((await l.limit('r')).success).toBe(true);
      expect((await l.limit('r')).success).toBe(false);
    });

    it('admits again once the window has passed', async () => {
      // One second: under heavy load a bridge round trip can take 100+ ms, and the first three calls
      // must share one window. Start right after a window boundary.
      const l = make({ algorithm, limit: 2, window: '1 s' });
      while (Date.now() % 1000 > 30) await sleep(5);
      await l.limit('w');
      await l.limit('w');
      expect((await l.limit('w')).success).toBe(false);
      // Two windows: a sliding window still weighs the previous one during the first.
      await sleep(2100);
      expect((await l.limit('w')).success).toBe(true);
    });
  });
}
