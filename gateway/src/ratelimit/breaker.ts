/**
 * A per-isolate circuit breaker in front of Redis. While Redis is down, every request would otherwise
 * wait for the full policy timeout; once open, decisions go straight to the failure mode and one
 * probe per cooldown checks whether Redis is back. Recovery is automatic: a probe that succeeds
 * closes the circuit.
 *
 *   closed ──(FAILURE_THRESHOLD consecutive failures)──▶ open ──(COOLDOWN_MS)──▶ half_open
 *   half_open ──(probe succeeds)──▶ closed;  half_open ──(probe fails)──▶ open
 */
export type CircuitState = 'closed' | 'open' | 'half_open';

/** Consecutive failures that open the circuit: one slow answer is noise, three in a row is an outage. */
const FAILURE_THRESHOLD = 3;
/** Time between probes while open: at most one request per second per isolate pays a timeout. */
const COOLDOWN_MS = 1000;

export interface BreakerOptions {
  failureThreshold?: number;
  cooldownMs?: number;
  now?: () => number;
  onTransition?: (to: CircuitState) => void;
}

export class CircuitBreaker {
  private state_: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeStartedAt = 0;
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private readonly onTransition?: (to: CircuitState) => void;

  constructor(opts: BreakerOptions = {}) {
    this.threshold = opts.failureThreshold ?? FAILURE_THRESHOLD;
    this.cooldownMs = opts.cooldownMs ?? COOLDOWN_MS;
    this.now = opts.now ?? Date.now;
    this.onTransition = opts.onTransition;
  }

  get state(): CircuitState {
    return this.state_;
  }

  /** May this request call Redis? In half-open state only the one probe may. */
  admit(): boolean {
    const t = this.now();
    if (this.state_ === 'closed') return true;
    if (this.state_ === 'open') {
      if (t - this.openedAt < this.cooldownMs) return false;
      this.move('half_open');
      this.probeStartedAt = t;
      return true;
    }
    // half_open: a probe is out. If it never reported (isolate hiccup), let another one go.
    if (t - this.probeStartedAt >= this.cooldownMs) {
      this.probeStartedAt = t;
      return true;
    }
    return false;
  }

  success(): void {
    this.failures = 0;
    if (this.state_ !== 'closed') this.move('closed');
  }

  failure(): void {
    this.failures++;
    if (this.state_ === 'half_open' || (this.state_ === 'closed' && this.failures >= this.threshold)) {
      this.openedAt = this.now();
      this.move('open');
    }
  }

  /** How long a client should wait before retrying a fail-closed request (ms, at least 1 s). */
  retryAfterMs(): number {
    if (this.state_ !== 'open') return 1000;
    return Math.max(1000, this.cooldownMs - (this.now() - this.openedAt));
  }

  private move(to: CircuitState): void {
    this.state_ = to;
    this.onTransition?.(to);
  }
}
