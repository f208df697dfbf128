import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppDeps } from '../deps.ts';
import { ACCESS_COOKIE, REFRESH_COOKIE } from './middleware.ts';
import { REFRESH_TOKEN_TTL_SECONDS, startFamily, type IssuedRefresh } from './refresh-tokens.ts';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, type Role } from './tokens.ts';

/** OAuth 2 token response (RFC 6749 §5.1), the shape every client of ours reads. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
}

export interface SessionUser {
  id: string;
  email: string;
  role: Role;
}

export function tokenConfig(deps: AppDeps) {
  return { keys: deps.keys, issuer: deps.env.JWT_ISSUER, audience: deps.env.JWT_AUDIENCE };
}

/** Signs an access token for `user` and pairs it with `refresh`. */
export async function tokenResponse(deps: AppDeps, user: SessionUser, refresh: IssuedRefresh): Promise<TokenResponse> {
  const access = await signAccessToken(
    tokenConfig(deps),
    { sub: user.id, role: user.role, email: user.email },
    deps.now().getTime(),
  );
  return {
    access_token: access,
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: refresh.token,
  };
}

/** A login: a new refresh family plus an access token. */
export async function startSession(deps: AppDeps, user: SessionUser): Promise<TokenResponse> {
  return tokenResponse(deps, user, await startFamily(deps.db, user.id, deps.now()));
}

function cookieBase(deps: AppDeps) {
  // Secure whenever users reach us over https; plain http only for local development.
  const secure = new URL(deps.env.PUBLIC_URL).protocol === 'https:';
  return { httpOnly: true, secure, sameSite: 'Lax' as const, path: '/' };
}

/**
 * Browsers get both tokens as httpOnly cookies (script cannot read them). SameSite=Lax keeps them
 * off cross-site POSTs; the form routes add an Origin check on top.
 */
export function setSessionCookies(c: Context, deps: AppDeps, tokens: TokenResponse): void {
  const base = cookieBase(deps);
  setCookie(c, ACCESS_COOKIE, tokens.access_token, { ...base, maxAge: tokens.expires_in });
  setCookie(c, REFRESH_COOKIE, tokens.refresh_token, { ...base, maxAge: REFRESH_TOKEN_TTL_SECONDS });
}

export function clearSessionCookies(c: Context, deps: AppDeps): void {
  const base = cookieBase(deps);
  deleteCookie(c, ACCESS_COOKIE, base);
  deleteCookie(c, REFRESH_COOKIE, base);
}
