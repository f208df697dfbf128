import { generateSigningJwk, loadSigningKeys, type SigningKeys } from '../../backend/src/auth/keys.ts';

/** Fresh in-memory signing keys for a test (nothing written: the private JWK is passed in). */
export async function ephemeralSigningKeys(): Promise<SigningKeys> {
  return loadSigningKeys({ privateJwk: JSON.stringify(await generateSigningJwk()), dataDir: '' });
}
