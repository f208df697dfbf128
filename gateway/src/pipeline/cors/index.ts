import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import type { AccessRules } from '../../config/schema/access.ts';
import { problemResponse } from '../../respond.ts';

/** CORS response headers the gateway owns; an upstream copy is dropped so only the allowlist decides. */
const CORS_RESPONSE_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
];

/** Adds `value` to a Vary header unless already there (or `*`). */
function addVary(h: Headers, value: string): void {
  const current = h.get('vary');
  if (!current) {
    h.set('vary', value);
    return;
  }
  const parts = current.split(',').map((p) => p.trim().toLowerCase());
  if (!parts.includes('*') && !parts.includes(value.toLowerCase())) h.set('vary', `${current}, ${value}`);
}

/**
 * CORS by exact-origin allowlist (Fetch standard §3.2). Preflights are answered here: an allowed
 * origin gets 204 with methods, headers, credentials and max-age; any other origin 403 with no CORS
 * headers. Other requests go on; the response carries Access-Control-Allow-Origin only for an
 * allowed origin. Every response says `Vary: Origin`, so caches never serve one origin's answer to
 * another.
 *
 * @example app.use(cors(rules['access.yaml']))
 */
export function cors(rules: AccessRules): MiddlewareHandler<GatewayEnv> {
  const cfg = rules.cors;
  const origins = new Set(cfg.allowed_origins);
  const methods = cfg.allowed_methods.join(', ');
  const allowHeaders = cfg.allowed_headers.join(', ');
  const expose = cfg.exposed_headers.join(', ');
  return async function cors(c, next) {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && origins.has(origin);
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined) {
      const vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
      if (!allowed) {
        return problemResponse(c, 'CORS_ORIGIN_DENIED', {
          detail: 'This origin may not call the API',
          headers: { vary },
        });
      }
      const h = new Headers({
        vary,
        'access-control-allow-origin': origin,
        'access-control-allow-methods': methods,
        'access-control-max-age': String(cfg.max_age_seconds),
      });
      if (allowHeaders) h.set('access-control-allow-headers', allowHeaders);
      if (cfg.allow_credentials) h.set('access-control-allow-credentials', 'true');
      return new Response(null, { status: 204, headers: h });
    }
    await next();
    const h = c.res.headers;
    for (const name of CORS_RESPONSE_HEADERS) h.delete(name);
    addVary(h, 'Origin');
    if (!allowed) return;
    h.set('access-control-allow-origin', origin);
    if (cfg.allow_credentials) h.set('access-control-allow-credentials', 'true');
    if (expose) h.set('access-control-expose-headers', expose);
  };
}
