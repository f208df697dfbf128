import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import type { WafRules } from '../../config/schema/waf.ts';
import { compiledWaf, modeFor, type CompiledWaf } from '../../config/waf.ts';
import { inspectRequest } from '../../waf/engine.ts';
import { recordVerdict, wafEvent } from '../../waf/events.ts';
import { problemResponse } from '../../respond.ts';
import { formatFieldErrors } from '../../waf/formats/problem.ts';
import { headerListOf, requestOf } from '../canonical/index.ts';

/**
 * Grant (access rules) that turns blocks into monitor events for a client: inspect and log, never block.
 * @internal exported for its tests
 */
export const WAF_MONITOR_ONLY = 'waf_monitor_only';

/**
 * The WAF stage: inspects the request (path, query, headers, the body the body stage read), sets
 * `wafVerdict`, writes one event line when anything matched, counts, and blocks with 403
 * problem+json (code = primary rule id, request id; HTML for browsers) when the verdict says so.
 * Never echoes the payload. Routes in mode `off` are not inspected and get no verdict.
 * `compiled` defaults to the rules compiled once with the registered detectors (tests pass their own).
 */
export function waf(rules: WafRules, compiled: CompiledWaf = compiledWaf(rules)): MiddlewareHandler<GatewayEnv> {
  const max = compiled.body.max_inspected_bytes;
  return async function waf(c, next) {
    const req = requestOf(c);
    const method = c.req.method;
    const route = compiled.route(req.path);
    const routeMode = modeFor(route, method);
    if (routeMode === 'off') return next();
    const monitorOnly = c.get('grants')?.has(WAF_MONITOR_ONLY) ?? false;
    const buffered = c.get('body');
    const truncated = buffered !== undefined && buffered.byteLength > max;
    const verdict = inspectRequest(
      {
        method,
        url: req.target,
        headers: headerListOf(c),
        body: buffered ? (truncated ? buffered.subarray(0, max) : buffered) : null,
      },
      compiled,
      {
        mode: monitorOnly && routeMode === 'block' ? 'monitor' : routeMode,
        truncated,
        spoofedCrawler: c.get('spoofedCrawler') ?? false,
      },
    );
    c.set('wafVerdict', verdict);
    recordVerdict(verdict);
    if (verdict.matches.length) {
      console.log(
        JSON.stringify(
          wafEvent(verdict, {
            requestId: c.get('requestId'),
            route: route.name,
            method,
            rules: compiled.rules,
            sensitive: compiled.sensitive,
          }),
        ),
      );
    }
    if (verdict.action === 'block') {
      return problemResponse(c, verdict.primaryRule ?? 'WAF_BLOCKED', {
        status: 403,
        title: 'The request was blocked by the web application firewall',
        detail: 'If you believe this is a mistake, contact support with the request id.',
        // A field that does not have its declared format (waf.yaml exclusions) is named, never echoed.
        errors: formatFieldErrors(verdict),
      });
    }
    await next();
  };
}
