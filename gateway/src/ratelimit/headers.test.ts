import { describe, expect, it } from 'vitest';
import { compilePolicy } from './policies.ts';
import { policyHeader, rateLimitHeader, retryAfterForDenied, retryAfterForUnavailable } from './headers.ts';
import type { Decision } from './types.ts';

const policy = (id: string, limit: number, window: string) =>
  compilePolicy({
    id,
    match: { paths: ['/x'], methods: ['GET'] },
    key: 'ip',
    algorithm: 'fixedWindow',
    limit,
    window,
    failure: { mode: 'open', why: 'test policy only' },
    timeout_ms: 100,
    refund_on_success: false,
    missing_key: 'refuse',
    ip_prefix: { v4: 32, v6: 64 },
  });
const NOW = 1_700_000_000_000;

describe('RateLimit headers (draft-ietf-httpapi-ratelimit-headers structured fields)', () => {
  const login = policy('login', 10, '1 m');
  const burst = policy('burst', 100, '10 s');
  const allowed: Decision = {
    policy: login,
    outcome: 'allow',
    source: 'redis',
    result: { success: true, limit: 10, remaining: 3, reset: NOW + 41_200 },
  };
  const denied: Decision = {
    policy: burst,
    outcome: 'deny',
    source: 'redis',
    result: { success: false, limit: 100, remaining: 0, reset: NOW + 5_000 },
  };
  const open: Decision = { policy: burst, outcome: 'allow', source: 'open', degraded: 'timeout' };

  it.each([
    { name: 'one policy', d: [allowed], policy: '"login";q=10;w=60', rl: '"login";r=3;t=42' },
    {
      name: 'a list of policies',
      d: [allowed, denied],
      policy: '"login";q=10;w=60, "burst";q=100;w=10',
      rl: '"login";r=3;t=42, "burst";r=0;t=5',
    },
    { name: 'fail-open: policy only', d: [open], policy: '"burst";q=100;w=10', rl: undefined },
  ])('$name', ({ d, policy: p, rl }) => {
    expect(policyHeader(d)).toBe(p);
    expect(rateLimitHeader(d, NOW)).toBe(rl);
  });

  it('Retry-After: the latest reset among denials, at least 1 s; 503 from the breaker', () => {
    expect(retryAfterForDenied([allowed, denied], NOW)).toBe(5);
    expect(retryAfterForDenied([{ ...denied, result: { ...denied.result!, reset: NOW + 10 } }], NOW)).toBe(1);
    expect(
      retryAfterForUnavailable([{ policy: login, outcome: 'unavailable', source: 'closed', retryAfterMs: 2500 }]),
    ).toBe(3);
  });
});
