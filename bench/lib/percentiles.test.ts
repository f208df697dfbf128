import { describe, it, expect } from 'vitest';
import { percentile, summarize } from './percentiles.ts';

describe('percentile', () => {
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0, 1],
    [[7], 99, 7],
  ])('%j p%d = %d', (xs, p, want) => expect(percentile(xs, p)).toBe(want));

  it('summarizes unsorted samples', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarize(xs)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });
});
