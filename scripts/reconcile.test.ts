import { describe, expect, it } from 'vitest';
import { parseSince } from './reconcile.ts';

describe('reconcile --since', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');
  it.each([
    [undefined, '2026-10-28T12:00:00.000Z'],
    ['24h', '2026-11-26T12:00:00.000Z'],
    ['7d', '2026-11-20T12:00:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
  ])('%s → %s', (arg, want) => expect(parseSince(arg, now).toISOString()).toBe(want));
  it('refuses nonsense', () => expect(() => parseSince('yesterday', now)).toThrow(/--since/));
});
