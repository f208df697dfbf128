import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { verifyAccessToken, type Role } from './tokens.ts';
import { ProblemError } from '../http/problem.ts';
import type { AppDeps } from '../deps.ts';

/** httpOnly cookie carrying the access token for browsers (same value as the Bearer token). */
export const ACCESS_COOKIE = 'gh_access';
export const REFRESH_COOKIE = 'gh_refresh';

function tokenFrom(authorization: string | undefined, cookie: string | undefined): string | undefined {
  if (authorization?.startsWith('Bearer ')) return authorization.slice(7).trim();
  return cookie;
}

/** 401 `UNAUTHENTICATED`/`INVALID_TOKEN` without a valid token; 403 when the role does not match. */
export function requireAuth(deps: AppDeps, role?: Role): MiddlewareHandler {
  const cfg = { keys: deps.keys, issuer: deps.env.JWT_ISSUER, audience: deps.env.JWT_AUDIENCE };
  return async function requireAuth(c, next) {
    const token = tokenFrom(c.req.header('authorization'), getCookie(c, ACCESS_COOKIE));
    const wwwAuth = { 'www-authenticate': 'Bearer realm="gatehouse"' };
    if (!token) throw new ProblemError('UNAUTHENTICATED', 'Log in to continue', undefined, wwwAuth);
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
