import { errors, jwtVerify } from 'jose';
import type { AccessRules } from '../config/schema/access.ts';
import { JwksUnavailableError, type JwksCache } from './jwks.ts';

interface Identity {
  userId: string;
  role: string;
}

/** The outcome of checking one access token: a value, never an exception. */
export type TokenResult =
  | { ok: true; identity: Identity }
  | { ok: false; reason: 'invalid' | 'expired' | 'unavailable'; detail: string };

/** `sub` and `role` travel in signed headers: plain identifiers only, never header-breaking text. */
const SUBJECT = /^[A-Za-z0-9._@:-]{1,128}$/;
const ROLE = /^[a-z][a-z_]{0,31}$/;

/**
 * Verifies an access token as the backend issues it: signature against the JWKS, the one algorithm
 * the rule file names (so `alg: none` and HMAC-with-the-public-key tricks fail), exp/nbf/iat with
 * the configured clock skew, issuer and audience.
 */
export function createTokenVerifier(cfg: AccessRules['jwt'], jwks: JwksCache) {
  const options = {
    algorithms: [cfg.algorithm],
    issuer: cfg.issuer,
    audience: cfg.audience,
    clockTolerance: cfg.clock_skew_seconds,
    requiredClaims: ['exp', 'sub'],
  };
  return async function verifyAccessToken(token: string): Promise<TokenResult> {
    try {
      const { payload } = await jwtVerify(token, jwks.resolve, options);
      const role = payload.role;
      if (typeof payload.sub !== 'string' || !SUBJECT.test(payload.sub))
        return { ok: false, reason: 'invalid', detail: 'the token has no usable subject' };
      if (typeof role !== 'string' || !ROLE.test(role))
        return { ok: false, reason: 'invalid', detail: 'the token has no usable role' };
      return { ok: true, identity: { userId: payload.sub, role } };
    } catch (err) {
      if (err instanceof JwksUnavailableError)
        return { ok: false, reason: 'unavailable', detail: 'signing keys are unavailable' };
      if (err instanceof errors.JWTExpired)
        return { ok: false, reason: 'expired', detail: 'the access token has expired' };
      return { ok: false, reason: 'invalid', detail: 'the access token is invalid' };
    }
  };
}

/**
 * Which token a request presents: the one function the backend's auth middleware also uses
 * (shared/credential.ts), so both sides act on the same token or both refuse.
 */
export { pickCredential } from '../../../shared/credential.ts';
