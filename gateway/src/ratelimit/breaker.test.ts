import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitState } from './breaker.ts';

function setup() {
  let t = 1_000_000;
  const transitions: CircuitState[] = [];
  const b = new CircuitBreaker({
    failureThreshold: 3,
    cooldownMs: 1000,
    now: () => t,
    onTransition: (s) => transitions.push(s),
  });
  return {
    b,
    transitions,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('circuit breaker', () => {
  it('opens after the threshold of consecutive failures, not before', () => {
    const { b } = setup();
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
    expect(b.admit()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    expect(b.admit()).toBe(false);
  });

  it('a success in between resets the count', () => {
    const { b } = setup();
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
  });

  it('after the cooldown lets exactly one probe through; success closes it', () => {
    const { b, transitions, advance } = setup();
    b.failure();
    b.failure();
    b.failure();
    advance(999);
    expect(b.admit()).toBe(false);
    advance(1);
    expect(b.admit()).toBe(true);
    expect(b.state).toBe('half_open');
    expect(b.admit()).toBe(false);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.admit()).toBe(true);
    expect(transitions).toEqual(['open', 'half_open', 'closed']);
  });

  it('a failed probe opens it again for another cooldown', () => {
    const { b, advance } = setup();
    b.failure();
    b.failure();
    b.failure();
    advance(1000);
    expect(b.admit()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    advance(500);
    expect(b.admit()).toBe(false);
    expect(b.retryAfterMs()).toBe(1000);
  });

  it('a probe that never reports is replaced after a cooldown', () => {
    const { b, advance } = setup();
    b.failure();
    b.failure();
    b.failure();
    advance(1000);
    expect(b.admit()).toBe(true);
    advance(1000);
    expect(b.admit()).toBe(true);
  });
});
