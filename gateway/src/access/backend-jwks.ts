import type { JSONWebKeySet } from 'jose';
import {
  SIGNATURE_HEADER,
  bodyDigest,
  credentialBinding,
  signGatewayRequest,
} from '../../../shared/gateway-signature.ts';
import { NO_CREDENTIAL } from '../../../shared/credential.ts';

/**
 * Loads the JWKS from the backend (`BACKEND_URL` + path), signed like every forwarded request since
 * the backend refuses unsigned traffic. Throws on a network error, a timeout or a non-2xx answer.
 */
export function backendJwksLoader(
  env: { BACKEND_URL: string; GATEWAY_SHARED_SECRET: string },
  path: string,
  timeoutMs: number,
) {
  const url = new URL(path, env.BACKEND_URL);
  return async function loadJwks(): Promise<JSONWebKeySet> {
    const requestId = crypto.randomUUID();
    const signature = await signGatewayRequest(env.GATEWAY_SHARED_SECRET, {
      method: 'GET',
      pathAndQuery: url.pathname + url.search,
      requestId,
      bodySha256: await bodyDigest(undefined),
      credential: await credentialBinding(NO_CREDENTIAL),
    });
    const res = await fetch(url.toString(), {
      headers: { accept: 'application/json', 'x-request-id': requestId, [SIGNATURE_HEADER]: signature },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`JWKS fetch answered ${res.status}`);
    return (await res.json()) as JSONWebKeySet;
  };
}
