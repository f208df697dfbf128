import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTHeaderParameters, type FlattenedJWSInput } from 'jose';
import { z } from 'zod';

/** The JWKS document as we accept it: at least one key, each with a key type. */
const JwksSchema = z.object({
  keys: z.array(z.looseObject({ kty: z.string().min(1), kid: z.string().optional() })).min(1),
});

/** Fetches and validates the key set; throws on any failure (network, status, shape). */
export type LoadJwks = () => Promise<JSONWebKeySet>;

export class JwksUnavailableError extends Error {}

export interface JwksCacheOptions {
  /** Keys older than this are refetched on the next verification (the old ones stay if that fails). */
  maxAgeMs: number;
  /** At most one fetch per this interval, whatever the reason (stale keys or an unknown `kid`). */
  minRefetchMs: number;
  now?: () => number;
  /** Called when a fetch fails (the cache keeps its keys). */
  onError?: (err: unknown) => void;
}

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

/**
 * A JWKS cache in front of `load`: keys are reused for `maxAgeMs`, refetched early when a token
 * names an unknown `kid` (key rotation), and never fetched more often than `minRefetchMs`, so a flood
 * of tokens with made-up `kid`s cannot turn into a flood of requests to the backend. Concurrent
 * callers share one in-flight fetch.
 */
export function createJwksCache(load: LoadJwks, opts: JwksCacheOptions) {
  const now = opts.now ?? Date.now;
  let keys: KeyResolver | undefined;
  let fetchedAt = -Infinity;
  let lastAttempt = -Infinity;
  let inflight: Promise<void> | undefined;
  let fetches = 0;

  function refresh(): Promise<void> {
    if (inflight) return inflight;
    if (now() - lastAttempt < opts.minRefetchMs) return Promise.resolve();
    lastAttempt = now();
    fetches++;
    inflight = (async () => {
      try {
        const jwks = JwksSchema.parse(await load()) as JSONWebKeySet;
        keys = createLocalJWKSet(jwks);
        fetchedAt = now();
      } catch (err) {
        opts.onError?.(err);
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  }

  /** A jose key resolver: `jwtVerify(token, cache.resolve, …)`. */
  async function resolve(header: JWTHeaderParameters, token: FlattenedJWSInput) {
    if (!keys || now() - fetchedAt >= opts.maxAgeMs) await refresh();
    if (!keys) throw new JwksUnavailableError('no signing keys: the JWKS could not be fetched');
    try {
      return await keys(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      await refresh();
      return keys(header, token);
    }
  }

  return { resolve, refresh, stats: () => ({ fetches, hasKeys: keys !== undefined }) };
}
export type JwksCache = ReturnType<typeof createJwksCache>;
