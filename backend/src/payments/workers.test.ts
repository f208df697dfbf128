import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { every, settlesWithin } from './workers.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** The workers' scheduler: the outbox relay runs its next round at once after a full batch (issue 16). */
describe('every', () => {
  it('runs again at once while fn says more is due, then waits the interval', async () => {
    const answers = [true, true, false, false];
    let runs = 0;
    const stop = every(
      500,
      async () => answers[runs++] ?? false,
      () => {},
    );
    // The first run, then one at once for each `true` (a zero timeout: a millisecond each).
    await vi.advanceTimersByTimeAsync(10);
    expect(runs).toBe(3);
    await vi.advanceTimersByTimeAsync(400); // the third said no more: the interval
    expect(runs).toBe(3);
    await vi.advanceTimersByTimeAsync(200);
    expect(runs).toBe(4);
    await stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(4);
  });

  it('never overlaps itself, reports a failure and goes on after the interval', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const errors: unknown[] = [];
    const stop = every(
      100,
      async () => {
        runs++;
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 250)); // longer than the interval
        running--;
        if (runs === 1) throw new Error('database down');
        return true;
      },
      (e) => errors.push(e),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(most).toBe(1);
    expect(errors).toHaveLength(1);
    expect(runs).toBeGreaterThan(2);
    const before = runs;
    const stopped = stop();
    await vi.advanceTimersByTimeAsync(250); // the round in flight finishes; none starts after it
    await stopped;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(before);
  });
});

/** Shutdown's bound on background rounds (server.ts). */
describe('settlesWithin', () => {
  it('answers true when the work settles in time (also by failing), false when it never does', async () => {
    const done = settlesWithin(new Promise((r) => setTimeout(r, 100)), 5_000);
    await vi.advanceTimersByTimeAsync(100);
    expect(await done).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error('down')), 5_000)).toBe(true);
    const stuck = settlesWithin(new Promise(() => {}), 5_000);
    await vi.advanceTimersByTimeAsync(4_999);
    let answered: boolean | undefined;
    void stuck.then((v) => {
      answered = v;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(answered).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(await stuck).toBe(false);
  });
});
