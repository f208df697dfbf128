import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, calculateJwkThumbprint, type JWK, type CryptoKey } from 'jose';

/** ES256: small signatures, verified by the gateway with Web Crypto. */
export const JWT_ALG = 'ES256';

export interface SigningKeys {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** The document served at /.well-known/jwks.json. */
  jwks: { keys: JWK[] };
}

async function fromPrivateJwk(jwk: JWK): Promise<SigningKeys> {
  const privateKey = (await importJWK({ ...jwk, alg: JWT_ALG }, JWT_ALG)) as CryptoKey;
  const { d: _d, ...pub } = jwk;
  const kid = jwk.kid ?? (await calculateJwkThumbprint(pub));
  const publicJwk: JWK = { ...pub, kid, alg: JWT_ALG, use: 'sig' };
  return { kid, privateKey, publicJwk, jwks: { keys: [publicJwk] } };
}

/**
 * Loads the signing key from JWT_PRIVATE_JWK, else from `<dataDir>/keys/jwt-private.jwk`, else
 * generates one there (mode 0600). The data dir is git-ignored, so keys never reach the repo.
 */
export async function loadSigningKeys(opts: { privateJwk?: string; dataDir: string }): Promise<SigningKeys> {
  if (opts.privateJwk) return fromPrivateJwk(JSON.parse(opts.privateJwk) as JWK);
  const file = path.join(opts.dataDir, 'keys', 'jwt-private.jwk');
  if (existsSync(file)) return fromPrivateJwk(JSON.parse(readFileSync(file, 'utf8')) as JWK);
  const jwk = await generateSigningJwk();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  return fromPrivateJwk(jwk);
}

export async function generateSigningJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(JWT_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const { d: _d, ...pub } = jwk;
  return { ...jwk, kid: await calculateJwkThumbprint(pub) };
}
