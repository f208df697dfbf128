import type { Context, MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import type { AccessRules } from '../../config/schema/access.ts';
import { problemResponse } from '../../respond.ts';
import { createJwksCache, type LoadJwks } from '../../access/jwks.ts';
import { backendJwksLoader } from '../../access/backend-jwks.ts';
import { createTokenVerifier, pickCredential, type TokenResult } from '../../access/access-token.ts';
import { canonicalPath, compileProtection } from '../../access/jwt-routes.ts';
import { compilePaths } from '../../access/path-pattern.ts';
import { settingsOf } from '../settings/index.ts';
import { requestOf } from '../canonical/index.ts';

/** Seconds a client should wait when the signing keys cannot be fetched. */
const KEYS_UNAVAILABLE_RETRY_AFTER = '5';
const REALM = 'Bearer realm="gatehouse"';

export interface JwtStageOptions {
  /** Where keys come from; default: BACKEND_URL + jwt.jwks.path, signed like forwarded requests. */
  loadJwks?: (env: GatewayEnv['Bindings']) => LoadJwks;
  /** The key cache's clock (tests step it past `min_refetch_interval_seconds`). */
  now?: () => number;
}

/**
 * The JWT rule (WAF_AUTH_001). A protected route (access.yaml `jwt.protected` minus `jwt.exempt`)
 * needs a valid access token from `Authorization: Bearer` or the access cookie; without one the
 * answer is 401 problem+json with `WWW-Authenticate` (RFC 6750 §3). `development_only` paths answer
 * 404 unless GATEWAY_ENV=development. On any route a valid token sets
 * `identity` (forwarded by the proxy in signed headers); on an exempt route a bad token is ignored.
 *
 * @example app.use(jwt(rules['access.yaml']))
 */
export function jwt(rules: AccessRules, opts: JwtStageOptions = {}): MiddlewareHandler<GatewayEnv> {
  const cfg = rules.jwt;
  const needsToken = compileProtection(cfg);
  const developmentOnly = compilePaths(rules.development_only.map((p) => p.toLowerCase()));
  // One key cache per backend (tests build apps against several); normally exactly one.
  const verifiers = new Map<string, (token: string) => Promise<TokenResult>>();
  const verifierFor = (env: GatewayEnv['Bindings']) => {
    let v = verifiers.get(env.BACKEND_URL);
    if (!v) {
      const load = opts.loadJwks?.(env) ?? backendJwksLoader(env, cfg.jwks.path, cfg.jwks.timeout_ms);
      const cache = createJwksCache(load, {
        maxAgeMs: cfg.jwks.max_age_seconds * 1000,
        minRefetchMs: cfg.jwks.min_refetch_interval_seconds * 1000,
        now: opts.now,
        onError: (err) =>
          console.error(JSON.stringify({ level: 'error', msg: 'jwks fetch failed', error: (err as Error).message })),
      });
      v = createTokenVerifier(cfg, cache);
      verifiers.set(env.BACKEND_URL, v);
    }
    return v;
  };

  return async function jwt(c, next) {
    // The canonical path (parse once): `/api\me` never reaches here, `/api/%6de` is judged as `/api/me`.
    const path = requestOf(c).path;
    // Development-only routes (the dev mailbox) do not exist outside development: 404, never forwarded.
    if (developmentOnly(canonicalPath(path)) && settingsOf(c).env !== 'development')
      return problemResponse(c, 'NOT_FOUND');
    const required = needsToken(c.req.method, path);
    // The same pick as the backend's auth middleware; the proxy binds it into the signature.
    const credential = pickCredential(c.req.header('authorization'), c.req.header('cookie'), cfg.cookie);
    c.set('credential', credential);
    if (credential.kind === 'ambiguous') {
      return problemResponse(c, 'AMBIGUOUS_CREDENTIALS', {
        detail: 'Send one access token: the Authorization header or the cookie',
      });
    }
    if (credential.kind === 'none') {
      if (required) c.set('jwtRejection', 'missing');
      return required ? unauthorized(c, REALM, 'Log in to continue') : next();
    }
    const result =
      credential.kind === 'token'
        ? await verifierFor(c.env)(credential.token)
        : ({ ok: false, reason: 'invalid', detail: 'the access token is invalid' } as const);
    if (result.ok) {
      c.set('identity', result.identity);
      if (c.get('clientClass') === 'anonymous') c.set('clientClass', 'user');
      return next();
    }
    if (!required) return next();
    c.set('jwtRejection', result.reason);
    if (result.reason === 'unavailable') {
      return problemResponse(c, 'SERVICE_UNAVAILABLE', {
        detail: 'The access token cannot be checked right now',
        headers: { 'retry-after': KEYS_UNAVAILABLE_RETRY_AFTER },
      });
    }
    return unauthorized(c, `${REALM}, error="invalid_token", error_description="${result.detail}"`, result.detail);
  };
}

function unauthorized(c: Context<GatewayEnv>, challenge: string, detail: string): Response {
  return problemResponse(c, 'WAF_AUTH_001', { detail, headers: { 'www-authenticate': challenge } });
}
