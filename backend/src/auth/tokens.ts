import { SignJWT, jwtVerify, createLocalJWKSet } from 'jose';
import { JWT_ALG, type SigningKeys } from './keys.ts';

/** Access tokens live 15 minutes: short enough that revocation by refresh-family is enough. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/**
 * Tolerated clock difference between signer and verifier.
 * @internal exported for its tests
 */
export const CLOCK_SKEW_SECONDS = 30;

export type Role = 'student' | 'provider' | 'admin';
export interface AccessClaims {
  sub: string;
  role: Role;
  email?: string;
}

export interface TokenConfig {
  keys: SigningKeys;
  issuer: string;
  audience: string;
}

export async function signAccessToken(cfg: TokenConfig, claims: AccessClaims, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT({ role: claims.role, ...(claims.email ? { email: claims.email } : {}) })
    .setProtectedHeader({ alg: JWT_ALG, kid: cfg.keys.kid, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(cfg.issuer)
    .setAudience(cfg.audience)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
    .setJti(crypto.randomUUID())
    .sign(cfg.keys.privateKey);
}

/**
 * One key set per signing-key object: jose imports a JWK into a CryptoKey on first use and caches it
 * inside the set, so a set made per request re-imports the EC key every time (about half the cost of
 * a verification).
 */
const keySets = new WeakMap<SigningKeys, ReturnType<typeof createLocalJWKSet>>();
function keySetFor(keys: SigningKeys): ReturnType<typeof createLocalJWKSet> {
  let set = keySets.get(keys);
  if (!set) {
    set = createLocalJWKSet(keys.jwks);
    keySets.set(keys, set);
  }
  return set;
}

/**
 * Tokens already verified, so a client's next request with the same token skips the signature
 * check (an ECDSA verify and jose's parsing: most of the per-request auth cost). Only successes are
 * kept, keyed by the whole token (signature included) per key set, issuer and audience; each is
 * still checked against exp/nbf with the same skew on every use, and access tokens cannot be
 * revoked before they expire anyway (15 min).
 */
const VERIFIED_TOKENS_MAX = 10_000;
interface Verified {
  claims: AccessClaims;
  nbf: number;
  exp: number;
}
const verifiedTokens = new WeakMap<SigningKeys, Map<string, Verified>>();

function timely(v: Verified, now: Date): boolean {
  const t = Math.floor(now.getTime() / 1000);
  return v.exp > t - CLOCK_SKEW_SECONDS && v.nbf <= t + CLOCK_SKEW_SECONDS;
}

/** Verifies signature (algorithm pinned), exp/nbf/iss/aud; returns null on any failure. */
export async function verifyAccessToken(
  cfg: TokenConfig,
  token: string,
  now: Date = new Date(),
): Promise<AccessClaims | null> {
  let seen = verifiedTokens.get(cfg.keys);
  if (!seen) verifiedTokens.set(cfg.keys, (seen = new Map()));
  const name = `${cfg.issuer}\n${cfg.audience}\n${token}`;
  const hit = seen.get(name);
  if (hit) {
    if (timely(hit, now)) return hit.claims;
    seen.delete(name);
  }
  try {
    const { payload } = await jwtVerify(token, keySetFor(cfg.keys), {
      algorithms: [JWT_ALG],
      issuer: cfg.issuer,
      audience: cfg.audience,
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: now,
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    const role = payload.role;
    if (typeof payload.sub !== 'string' || (role !== 'student' && role !== 'provider' && role !== 'admin')) return null;
    const claims: AccessClaims = Object.freeze({
      sub: payload.sub,
      role,
      email: typeof payload.email === 'string' ? payload.email : undefined,
    });
    if (seen.size >= VERIFIED_TOKENS_MAX) seen.delete(seen.keys().next().value!);
    seen.set(name, { claims, nbf: payload.nbf ?? payload.iat ?? 0, exp: payload.exp! });
    return claims;
  } catch {
    return null;
  }
}
