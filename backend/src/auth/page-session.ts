import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppDeps } from '../deps.ts';
import { ACCESS_COOKIE, REFRESH_COOKIE } from './middleware.ts';
import { rotate } from './refresh-tokens.ts';
import { OpaqueToken } from './schemas.ts';
import { clearSessionCookies, setSessionCookies, tokenConfig, tokenResponse } from './session.ts';
import { verifyAccessToken, type AccessClaims } from './tokens.ts';

/**
 * The logged-in user of a server-rendered page. Pages have no JavaScript to call
 * `/api/auth/refresh`, so when the 15-minute access cookie has lapsed and a refresh cookie is
 * present, the page rotates it here and sets fresh cookies on its own response. Returns undefined
 * for anonymous visitors (and clears cookies that no longer work).
 *
 * Caution: rotation is strict (see refresh-tokens.ts), so only top-level page navigations should
 * call this, not sub-resources a browser loads in parallel.
 */
export async function pageSession(c: Context, deps: AppDeps): Promise<AccessClaims | undefined> {
  const access = getCookie(c, ACCESS_COOKIE);
  const claims = access ? await verifyAccessToken(tokenConfig(deps), access, deps.now()) : null;
  if (claims) return claims;
  const refresh = getCookie(c, REFRESH_COOKIE);
  if (!refresh || !OpaqueToken.safeParse(refresh).success) return undefined;
  const result = await rotate(deps.db, refresh, deps.now());
  if (result.kind !== 'rotated') {
    clearSessionCookies(c, deps);
    return undefined;
  }
  setSessionCookies(c, deps, await tokenResponse(deps, result.user, result.refresh));
  return { sub: result.user.id, role: result.user.role, email: result.user.email };
}
