import { createHash, randomBytes } from 'node:crypto';

/** 256 bits: unguessable, and base64url keeps it URL- and cookie-safe (43 characters). */
const TOKEN_BYTES = 32;

/** A fresh random token for refresh and reset links. Only its hash is ever stored. */
export function newOpaqueToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * SHA-256 (hex) of a token. A fast hash is right here: the tokens carry 256 bits of entropy, so
 * a leaked table cannot be brute-forced, and lookups stay one index probe.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
