import { pickCredential } from '../../shared/credential.ts';
import {
  ROLE_HEADER,
  SIGNATURE_HEADER,
  USER_HEADER,
  bodyDigest,
  credentialBinding,
  signGatewayRequest,
} from '../../shared/gateway-signature.ts';

export const TEST_GATEWAY_SECRET = 'test-gateway-secret-0123456789';

/**
 * `init` with the headers the gateway adds: request id and a signature over the method, path and
 * query, the body's bytes, the credential and the identity headers. The body is returned as the
 * exact bytes signed. `now` signs as of another moment (tests of stale and future timestamps).
 */
export async function signedRequestInit(
  url: URL,
  init: RequestInit,
  requestId: string = crypto.randomUUID(),
  opts: { now?: number; secret?: string } = {},
): Promise<RequestInit & { headers: Headers }> {
  // A Request serialises any body type (string, form data, JSON text) to the bytes that will be sent.
  const req = new Request(url, init);
  const body = req.body ? new Uint8Array(await req.arrayBuffer()) : undefined;
  const headers = new Headers(req.headers);
  headers.set('x-request-id', requestId);
  headers.set(
    SIGNATURE_HEADER,
    await signGatewayRequest(
      opts.secret ?? TEST_GATEWAY_SECRET,
      {
        method: req.method,
        pathAndQuery: url.pathname + url.search,
        requestId,
        bodySha256: await bodyDigest(body),
        credential: await credentialBinding(
          pickCredential(headers.get('authorization'), headers.get('cookie'), 'gh_access'),
        ),
        userId: headers.get(USER_HEADER) ?? '',
        role: headers.get(ROLE_HEADER) ?? '',
      },
      opts.now,
    ),
  );
  return { ...init, method: req.method, headers, body };
}
