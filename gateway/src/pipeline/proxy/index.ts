import type { Handler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import {
  SIGNATURE_HEADER,
  USER_HEADER,
  ROLE_HEADER,
  signGatewayRequest,
  bodyDigest,
  credentialBinding,
} from '../../../../shared/gateway-signature.ts';
import { NO_CREDENTIAL } from '../../../../shared/credential.ts';
import { problemResponse } from '../../respond.ts';
import { headerListOf, requestOf } from '../canonical/index.ts';
import { settingsOf } from '../settings/index.ts';

/** RFC 9110 §7.6.1 hop-by-hop headers, never forwarded in either direction. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];
/** Headers only the gateway may set towards the backend; a client's copy is dropped. */
const GATEWAY_OWNED = [
  SIGNATURE_HEADER,
  USER_HEADER,
  ROLE_HEADER,
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-real-ip',
  // RFC 7239 and vendor client-address headers: only the gateway says who the client is.
  'forwarded',
  'cf-connecting-ip',
  'true-client-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  // Path and method overrides some frameworks honour: the backend must route on the canonical target.
  'x-original-url',
  'x-rewrite-url',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
];

/** Header names a `Connection` header value lists: hop-by-hop for this one message (RFC 9110 §7.6.1). */
function connectionNamed(v: string | null | undefined): string[] {
  return v ? v.split(',').map((n) => n.trim().toLowerCase()) : [];
}

function stripHopByHop(h: Headers): void {
  for (const name of connectionNamed(h.get('connection'))) if (name) h.delete(name);
  for (const name of HOP_BY_HOP) h.delete(name);
}

/** Never forwarded to the backend: hop-by-hop headers and the ones only the gateway may set. */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, ...GATEWAY_OWNED]);

/**
 * The client's headers the backend may see: one pass over them (cheaper than ~30 deletes), over the
 * list the WAF inspected (`headerListOf`), so workerd's Headers are not iterated a second time.
 */
function forwardedHeaders(incoming: readonly [string, string][], clientIpHeader: string): Headers {
  const named = connectionNamed(incoming.find(([name]) => name === 'connection')?.[1]);
  const out = new Headers();
  for (const [name, value] of incoming)
    if (!NOT_FORWARDED.has(name) && name !== clientIpHeader && !named.includes(name)) out.append(name, value);
  return out;
}

/**
 * The last stage: forwards the request to BACKEND_URL with the client IP, request id, verified
 * identity and the gateway signature, and returns the backend's response (redirects untouched).
 * The target is the backend origin followed by the canonical path and query, concatenated: never
 * `new URL(path, base)`, which turns `//host/x` into a request to `host` (issue 14, finding 1).
 */
export function proxy(): Handler<GatewayEnv> {
  return async function proxy(c) {
    const incoming = new URL(c.req.url);
    const canonical = requestOf(c);
    const target = settingsOf(c).backendOrigin + canonical.target;
    const headers = forwardedHeaders(headerListOf(c), settingsOf(c).clientIp.header);
    const requestId = c.get('requestId');
    const identity = c.get('identity');
    headers.set('x-request-id', requestId);
    if (c.get('clientIp') !== 'unknown') headers.set('x-forwarded-for', c.get('clientIp'));
    headers.set('x-forwarded-proto', incoming.protocol.replace(':', ''));
    headers.set('x-forwarded-host', incoming.host);
    if (identity) {
      headers.set(USER_HEADER, identity.userId);
      headers.set(ROLE_HEADER, identity.role);
    }
    const hasBody = c.req.method !== 'GET' && c.req.method !== 'HEAD';
    // The signature binds the body digest, so the body is forwarded as the exact bytes digested.
    const buffered = hasBody ? (c.get('body') ?? new Uint8Array(await c.req.arrayBuffer())) : undefined;
    headers.set(
      SIGNATURE_HEADER,
      await signGatewayRequest(c.env.GATEWAY_SHARED_SECRET, {
        method: c.req.method,
        pathAndQuery: canonical.target,
        requestId,
        bodySha256: await bodyDigest(buffered),
        credential: await credentialBinding(c.get('credential') ?? NO_CREDENTIAL),
        userId: identity?.userId ?? '',
        role: identity?.role ?? '',
      }),
    );
    let upstream: Response;
    try {
      upstream = await fetch(target, {
        method: c.req.method,
        headers,
        body: buffered,
        redirect: 'manual',
      });
    } catch {
      return problemResponse(c, 'UPSTREAM_UNAVAILABLE');
    }
    const out = new Headers(upstream.headers);
    stripHopByHop(out);
    return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: out });
  };
}
