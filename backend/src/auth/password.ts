import { scrypt, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * scrypt with N=2^15, r=8, p=1: ~60-170 ms on our 2-core machines, the cost the launch plan asks
 * for (slow enough to hurt offline guessing, fast enough for login p95). Encoded as
 * `scrypt$N$r$p$salt$hash` (base64url), so the cost of new hashes can change (PASSWORD_SCRYPT_LOG2N)
 * without breaking old ones: each verifies at the cost it was made with.
 */
export const DEFAULT_SCRYPT_LOG2N = 15;
const R = 8;
const P = 1;
const KEYLEN = 32;

let log2n = DEFAULT_SCRYPT_LOG2N;

/**
 * The cost of new hashes, N=2^log2n: server.ts sets PASSWORD_SCRYPT_LOG2N (env.ts refuses less than
 * the default in production); the test suites hash at a lower cost (vitest.config.ts).
 */
export function setPasswordHashCost(value: number): void {
  log2n = value;
}

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; allow headroom.
  const maxmem = 128 * n * r * 2;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEYLEN, { N: n, r, p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const N = 2 ** log2n;
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = encoded.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A real hash of nothing, verified against when the email is unknown so timing does not enumerate accounts. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(16).toString('hex')));
}
