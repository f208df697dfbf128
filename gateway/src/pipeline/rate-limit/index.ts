import type { Context, MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import type { LimitsRules } from '../../config/schema/limits.ts';
import { problemResponse } from '../../respond.ts';
import { backendFor } from '../../ratelimit/backend.ts';
import { decide, refund, type LimiterBackend } from '../../ratelimit/degrade.ts';
import { retryAfterForDenied, retryAfterForUnavailable, setRateLimitHeaders } from '../../ratelimit/headers.ts';
import { keyResolver, type KeyResult, type MissingKey } from '../../ratelimit/keys.ts';
import { recordDecision, refunds } from '../../ratelimit/metrics.ts';
import { compileLimits } from '../../ratelimit/policies.ts';
import type { Decision } from '../../ratelimit/types.ts';
import { requestOf } from '../canonical/index.ts';

/** The allowlist grant that exempts a client from rate limits (access.yaml). */
const SKIP_GRANT = 'skip_rate_limit';

function waitUntil(c: Context<GatewayEnv>, p: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(p);
  } catch {
    // No execution context (app.request in tests): let it run unawaited.
    void p;
  }
}

/**
 * The refusal for a credential request whose account key cannot be read: the same code and field
 * the backend would answer for that body, so a client learns what to fix (not only "no email").
 */
function missingKeyProblem(c: Context<GatewayEnv>, why: MissingKey): Response {
  switch (why) {
    case 'body_too_large':
      return problemResponse(c, 'BODY_TOO_LARGE', { detail: 'Sign-in and account requests are limited to 8 KiB' });
    case 'unsupported_media_type':
      return problemResponse(c, 'UNSUPPORTED_MEDIA_TYPE', {
        detail: 'Send the body as application/json (or as an HTML form)',
      });
    case 'malformed_json':
      return problemResponse(c, 'MALFORMED_JSON', {
        detail: 'The body could not be parsed as JSON',
        errors: [{ path: '(body)', message: 'malformed JSON' }],
      });
    case 'email_not_text':
      return problemResponse(c, 'VALIDATION_FAILED', {
        detail: 'Some fields are not valid',
        errors: [{ path: 'email', message: 'must be a string' }],
      });
    case 'no_account':
      return problemResponse(c, 'RATE_LIMIT_KEY_MISSING', {
        detail: 'This request must name the account it is for',
        errors: [{ path: 'email', message: 'required' }],
      });
  }
}

/**
 * The rate-limit stage: every policy of limits.yaml that matches the request decides (in parallel,
 * one Redis round trip each), headers go on the response, and the first refusal wins:
 * a fail-closed policy without Redis → 503 RATE_LIMIT_UNAVAILABLE, a limit reached → 429 RATE_LIMITED.
 * A successful login (2xx from the backend) gives its account token back.
 *
 * @example app.use(rateLimit(rules['limits.yaml']))
 */
export function rateLimit(
  rules: LimitsRules,
  opts: { backend?: (env: GatewayEnv['Bindings']) => LimiterBackend } = {},
): MiddlewareHandler<GatewayEnv> {
  const limits = compileLimits(rules);
  const getBackend = opts.backend ?? backendFor;
  return async function rateLimit(c, next) {
    // Decided on the canonical path, the same one the proxy forwards (issue 14, finding 2).
    const policies = limits.select(c.req.method, requestOf(c).path, c.get('clientClass'));
    if (!policies.length) return next();
    if (c.get('grants').has(SKIP_GRANT)) {
      for (const p of policies) recordDecision(p.id, 'grant', 'skipped');
      return next();
    }
    const backend = getBackend(c.env);
    const keyFor = keyResolver(c);
    const ctx = { requestId: c.get('requestId') };
    const resolved: { p: (typeof policies)[number]; k: KeyResult }[] = [];
    for (const p of policies) {
      const k = keyFor(p.key, p.ip_prefix);
      // Only account keys are promises (memoised per request: awaiting them in turn hashes once).
      resolved.push({ p, k: k instanceof Promise ? await k : k });
    }
    // A policy that cannot compute its key refuses the request unless limits.yaml says `missing_key: skip`.
    const refused = resolved.find(({ p, k }) => 'missing' in k && p.missing_key === 'refuse');
    if (refused && 'missing' in refused.k) return missingKeyProblem(c, refused.k.missing);
    const keyed = resolved.flatMap(({ p, k }) => ('key' in k ? [{ p, key: k.key }] : []));
    // One policy (most requests): no Promise.all around it. Several: decided in parallel (Redis round trips).
    const decisions: Decision[] =
      keyed.length === 1
        ? [await decide(keyed[0].p, keyed[0].key, backend, ctx)]
        : await Promise.all(keyed.map(({ p, key }) => decide(p, key, backend, ctx)));
    c.set('rateLimitDecisions', decisions);
    for (const d of decisions) {
      recordDecision(
        d.policy.id,
        d.source,
        d.outcome === 'allow' ? 'allowed' : d.outcome === 'deny' ? 'limited' : 'unavailable',
        d.result,
      );
    }
    const now = Date.now();
    if (decisions.some((d) => d.outcome === 'unavailable')) {
      const refusal = problemResponse(c, 'RATE_LIMIT_UNAVAILABLE', {
        headers: { 'retry-after': String(retryAfterForUnavailable(decisions)) },
      });
      setRateLimitHeaders(refusal.headers, decisions, now);
      return refusal;
    }
    if (decisions.some((d) => d.outcome === 'deny')) {
      const refusal = problemResponse(c, 'RATE_LIMITED', {
        headers: { 'retry-after': String(retryAfterForDenied(decisions, now)) },
      });
      setRateLimitHeaders(refusal.headers, decisions, now);
      return refusal;
    }
    await next();
    // Straight onto whatever answered after this stage (the backend's response, a proxy 502, an
    // error page): each Headers call is a native call in workerd, and going through `responseHeaders`
    // cost two more sets and an iteration per request. Values are as of the decision (`now`).
    setRateLimitHeaders(c.res.headers, decisions, now);
    if (c.res.status >= 200 && c.res.status < 300) {
      for (const [i, d] of decisions.entries()) {
        if (!d.policy.refund_on_success) continue;
        const key = keyed[i].key;
        waitUntil(
          c,
          refund(d, key, backend).then((ok) => refunds.inc({ policy: d.policy.id, result: ok ? 'ok' : 'failed' })),
        );
      }
    }
  };
}
