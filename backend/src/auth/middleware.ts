import type { Context, MiddlewareHandler } from 'hono';
import { verifyAccessToken, type Role } from './tokens.ts';
import { ProblemError } from '../http/problem.ts';
import type { AppDeps } from '../deps.ts';
import { pickCredential } from '../../../shared/credential.ts';

/** httpOnly cookie carrying the access token for browsers (same value as the Bearer token). */
export const ACCESS_COOKIE = 'gh_access';
export const REFRESH_COOKIE = 'gh_refresh';

/**
 * The token this request presents, picked by the function the gateway uses (shared/credential.ts),
 * so both act on the same one. Two different tokens are refused; a malformed bearer is an invalid
 * token (the empty string never verifies).
 */
function tokenFrom(c: Context): string | undefined {
  const cred = pickCredential(c.req.header('authorization'), c.req.header('cookie'), ACCESS_COOKIE);
  if (cred.kind === 'ambiguous')
    throw new ProblemError('AMBIGUOUS_CREDENTIALS', 'Send one access token: the Authorization header or the cookie');
  if (cred.kind === 'malformed') return '';
  return cred.kind === 'token' ? cred.token : undefined;
}

/** 401 `UNAUTHENTICATED`/`INVALID_TOKEN` without a valid token; 403 when the role does not match. */
export function requireAuth(deps: AppDeps, role?: Role): MiddlewareHandler {
  const cfg = { keys: deps.keys, issuer: deps.env.JWT_ISSUER, audience: deps.env.JWT_AUDIENCE };
  return async function requireAuth(c, next) {
    const token = tokenFrom(c);
    const wwwAuth = { 'www-authenticate': 'Bearer realm="gatehouse"' };
    if (token === undefined) throw new ProblemError('UNAUTHENTICATED', 'Log in to continue', undefined, wwwAuth);
    const claims = await verifyAccessToken(cfg, token, deps.now());
    if (!claims)
      throw new ProblemError('INVALID_TOKEN', 'The access token is invalid or expired', undefined, {
        'www-authenticate': 'Bearer realm="gatehouse", error="invalid_token"',
      });
    if (role && claims.role !== role) throw new ProblemError('FORBIDDEN', `This needs a ${role} account`);
    c.set('user', claims);
    await next();
  };
}
