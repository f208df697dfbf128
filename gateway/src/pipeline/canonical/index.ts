import type { Context, MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import { canonicalTarget, rawTarget, REFUSAL_DETAIL, type CanonicalRequest } from '../../request/canonical.ts';
import { problemResponse } from '../../respond.ts';

export interface CanonicalStageOptions {
  /** The route pattern a canonical path belongs to (app.ts passes the waf.yaml route matcher). */
  route?: (path: string) => string;
}

/**
 * Parse once: turns the raw request target into its canonical form (gateway/src/request/canonical.ts)
 * and stores it as `request`, with the matched route pattern as `route`. An ambiguous target (`\`,
 * `//`, encoded `/` `\` `.` segments, NUL, broken escapes, `..` above the root) is refused with 400
 * PATH_NOT_CANONICAL before any other stage sees it; it is never silently repaired.
 *
 * @example app.use(canonical({ route: (p) => compiledWaf(rules['waf.yaml']).route(p).name }))
 */
export function canonical(opts: CanonicalStageOptions = {}): MiddlewareHandler<GatewayEnv> {
  const routeOf = opts.route ?? (() => 'default');
  return async function canonical(c, next) {
    const r = canonicalTarget(rawTarget(c.req.raw.url));
    if (!r.ok) return problemResponse(c, 'PATH_NOT_CANONICAL', { detail: REFUSAL_DETAIL[r.reason] });
    c.set('request', r.request);
    c.set('route', routeOf(r.request.path));
    await next();
  };
}

/**
 * The canonical request of `c`. In the full pipeline the canonical stage has set it; a test app that
 * mounts a single stage gets it parsed here (once) so every stage still reads the same form.
 */
export function requestOf(c: Context<GatewayEnv>): CanonicalRequest {
  const set = c.get('request');
  if (set) return set;
  const r = canonicalTarget(rawTarget(c.req.raw.url));
  if (!r.ok) throw new Error(`request target not canonical (${r.reason}); mount the canonical stage first`);
  c.set('request', r.request);
  return r.request;
}

/**
 * The request's header fields (lower-case names, in the order the Headers iterator gives them),
 * read once per request: the WAF inspects and the proxy forwards this same list.
 */
export function headerListOf(c: Context<GatewayEnv>): [string, string][] {
  let list = c.get('headerList');
  if (!list) c.set('headerList', (list = [...c.req.raw.headers]));
  return list;
}
