import type { Context, MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import type { LimitsRules } from '../../config/schema/limits.ts';
import { problemResponse } from '../../respond.ts';
import { backendFor } from '../../ratelimit/backend.ts';
import { decide, refund, type LimiterBackend } from '../../ratelimit/degrade.ts';
import { retryAfterForDenied, retryAfterForUnavailable, setRateLimitHeaders } from '../../ratelimit/headers.ts';
import { keyResolver } from '../../ratelimit/keys.ts';
import { recordDecision, refunds } from '../../ratelimit/metrics.ts';
import { compileLimits } from '../../ratelimit/policies.ts';
import type { Decision } from '../../ratelimit/types.ts';

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
    const policies = limits.select(c.req.method, c.req.path, c.get('clientClass'));
    if (!policies.length) return next();
    if (c.get('grants').has(SKIP_GRANT)) {
      for (const p of policies) recordDecision(p.id, 'grant', 'skipped');
      return next();
    }
    const backend = getBackend(c.env);
    const keyFor = keyResolver(c);
    const ctx = { requestId: c.get('requestId') };
    const keyed = (await Promise.all(policies.map(async (p) => ({ p, key: await keyFor(p.key) })))).filter(
      (k): k is { p: typeof k.p; key: string } => k.key !== undefined,
    );
    const decisions: Decision[] = await Promise.all(keyed.map(({ p, key }) => decide(p, key, backend, ctx)));
    for (const d of decisions) {
      recordDecision(
        d.policy.id,
        d.source,
        d.outcome === 'allow' ? 'allowed' : d.outcome === 'deny' ? 'limited' : 'unavailable',
        d.result,
      );
    }
    const headers = c.get('responseHeaders');
    const now = Date.now();
    setRateLimitHeaders(headers, decisions, now);
    if (decisions.some((d) => d.outcome === 'unavailable')) {
      return problemResponse(c, 'RATE_LIMIT_UNAVAILABLE', {
        headers: { 'retry-after': String(retryAfterForUnavailable(decisions)) },
      });
    }
    if (decisions.some((d) => d.outcome === 'deny')) {
      return problemResponse(c, 'RATE_LIMITED', {
        headers: { 'retry-after': String(retryAfterForDenied(decisions, now)) },
      });
    }
    await next();
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
