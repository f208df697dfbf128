/**
 * Which access token a request presents. The gateway (JWT rule, rate-limit keys, signature) and the
 * backend (auth middleware) both call this one function, so they can never act on different tokens
 * (issue 14, finding 9: `bearer <student>` plus a provider cookie made the backend act as the
 * provider while the gateway had signed and rate-limited the student).
 */
export type PresentedCredential =
  | { kind: 'none' }
  | { kind: 'token'; token: string; source: 'authorization' | 'cookie' }
  /** Two different tokens (a bearer plus another cookie, or the cookie twice): refused on both sides. */
  | { kind: 'ambiguous' }
  /** `Authorization: Bearer` whose value is not a token68 (RFC 6750 §2.1): an invalid token, never skipped. */
  | { kind: 'malformed' };

export const NO_CREDENTIAL: PresentedCredential = { kind: 'none' };

/** RFC 6750 §2.1 `credentials = "Bearer" 1*SP b64token`; the scheme is case-insensitive (RFC 9110 §11.1). */
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const BEARER_SCHEME = /^bearer(?: |$)/i;

/** Every value of cookie `name` in a Cookie header (RFC 6265 §4.2.1), in order. */
function cookieValues(cookieHeader: string, name: string): string[] {
  const out: string[] = [];
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const v = part.slice(eq + 1).trim();
      if (v) out.push(v);
    }
  }
  return out;
}

/**
 * The credential from `Authorization: Bearer …` and the access cookie `cookieName`. A bearer token
 * and a cookie carrying the same token are one credential; any two different tokens are ambiguous.
 * Other Authorization schemes (e.g. Basic in front of a staging site) are not ours and are ignored.
 *
 * @example pickCredential('bearer abc', 'gh_access=abc', 'gh_access') // { kind: 'token', token: 'abc', … }
 */
export function pickCredential(
  authorization: string | null | undefined,
  cookieHeader: string | null | undefined,
  cookieName: string,
): PresentedCredential {
  let bearer: string | undefined;
  if (authorization) {
    const m = BEARER.exec(authorization.trim());
    if (m) bearer = m[1];
    else if (BEARER_SCHEME.test(authorization.trim())) return { kind: 'malformed' };
  }
  const cookies = cookieHeader ? [...new Set(cookieValues(cookieHeader, cookieName))] : [];
  if (cookies.length > 1) return { kind: 'ambiguous' };
  const cookie = cookies[0];
  if (bearer !== undefined && cookie !== undefined && bearer !== cookie) return { kind: 'ambiguous' };
  if (bearer !== undefined) return { kind: 'token', token: bearer, source: 'authorization' };
  if (cookie !== undefined) return { kind: 'token', token: cookie, source: 'cookie' };
  return NO_CREDENTIAL;
}
