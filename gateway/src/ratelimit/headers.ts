import type { Decision } from './types.ts';

/**
 * IETF RateLimit headers, draft-ietf-httpapi-ratelimit-headers (-09 and later): both are Structured
 * Field Lists (RFC 9651) of policy names as sf-strings with parameters.
 *   RateLimit-Policy: "login-ip";q=10;w=60      q = quota, w = window in seconds
 *   RateLimit: "login-ip";r=3;t=42             r = remaining quota, t = seconds until it resets
 * Retry-After (RFC 9110 §10.2.3) carries delay-seconds on 429 and 503 answers.
 */

/** An sf-string: policy ids are validated to [a-z0-9-], so no escaping is ever needed. */
const sfString = (s: string) => `"${s}"`;

/** Seconds from now until `resetMs`, rounded up, at least 1 (a 0 would invite an instant retry). */
function secondsUntil(resetMs: number, now = Date.now()): number {
  return Math.max(1, Math.ceil((resetMs - now) / 1000));
}

/** @internal exported for its tests */
export function policyHeader(decisions: readonly Decision[]): string {
  return decisions.map((d) => `${sfString(d.policy.id)};q=${d.policy.limit};w=${d.policy.windowSeconds}`).join(', ');
}

/**
 * Only decisions with a known count (fail-open and fail-closed answers have none to report).
 * @internal exported for its tests
 */
export function rateLimitHeader(decisions: readonly Decision[], now = Date.now()): string | undefined {
  const items = decisions
    .filter((d) => d.result)
    .map((d) => {
      const r = d.result!;
      return `${sfString(d.policy.id)};r=${Math.max(0, r.remaining)};t=${r.success ? Math.max(0, Math.ceil((r.reset - now) / 1000)) : secondsUntil(r.reset, now)}`;
    });
  return items.length ? items.join(', ') : undefined;
}

/** Delay-seconds for a 429: the latest reset among the policies that denied. */
export function retryAfterForDenied(decisions: readonly Decision[], now = Date.now()): number {
  return Math.max(
    1,
    ...decisions.filter((d) => d.outcome === 'deny' && d.result).map((d) => secondsUntil(d.result!.reset, now)),
  );
}

/** Delay-seconds for a fail-closed 503: when the circuit breaker probes Redis next. */
export function retryAfterForUnavailable(decisions: readonly Decision[]): number {
  return Math.max(
    1,
    ...decisions.filter((d) => d.outcome === 'unavailable').map((d) => Math.ceil((d.retryAfterMs ?? 1000) / 1000)),
  );
}

/** Sets RateLimit-Policy and RateLimit on `headers`. */
export function setRateLimitHeaders(headers: Headers, decisions: readonly Decision[], now = Date.now()): void {
  if (!decisions.length) return;
  headers.set('ratelimit-policy', policyHeader(decisions));
  const rl = rateLimitHeader(decisions, now);
  if (rl) headers.set('ratelimit', rl);
}
