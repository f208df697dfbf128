import type { Context, MiddlewareHandler } from 'hono';
import {
  SIGNATURE_HEADER,
  USER_HEADER,
  ROLE_HEADER,
  NONCE_PATTERN,
  bodyDigest,
  checkGatewaySignature,
  checkTimestamp,
  credentialBinding,
  parseSignatureHeader,
  type SignatureCheck,
} from '../../../shared/gateway-signature.ts';
import { pickCredential } from '../../../shared/credential.ts';
import { ACCESS_COOKIE } from '../auth/middleware.ts';
import { problemResponse } from './problem.ts';
import type { NonceStore } from './nonce-store.ts';
import { NODE_CRYPTO } from './node-signature-crypto.ts';

/** Probes that orchestrators call directly on the backend port; /metrics has its own bearer token. */
const UNSIGNED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
/**
 * The largest body the backend reads to check a signature (413 past it). The gateway's own body
 * limits are far below this; an unsigned caller cannot make the backend buffer more.
 */
const MAX_SIGNED_BODY_BYTES = 1024 * 1024;

type Refusal = Exclude<SignatureCheck, 'ok'> | 'replayed' | 'body_too_large' | 'bad_request_id';

export interface GatewayAuthOptions {
  secret?: string;
  required: boolean;
  /** Single-use request ids; required when `required` (server.ts and tests pass the Postgres store). */
  nonces?: NonceStore;
  /** Why a request was refused, for the log (never the signature or the body). */
  onRefused?: (reason: Refusal, c: Context) => void;
  now?: () => number;
}

/** The body bytes, read from a clone (handlers read the original), or `undefined` past the cap. */
async function bodyBytes(req: Request): Promise<Uint8Array | undefined> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.clone().body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_SIGNED_BODY_BYTES) {
      // Not awaited: a tee branch's cancel settles only once the other branch is cancelled too.
      reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/**
 * Refuses requests that did not come through the gateway, so the WAF, access rules and rate limits
 * cannot be bypassed by calling the backend port directly, and a request the gateway did sign
 * cannot be replayed: the signature covers method, path and query, the body digest, the credential
 * (picked by the same function the auth middleware uses) and the identity, its timestamp must be
 * fresh and not ahead of this clock, and its request id is accepted once (`nonces`).
 * Order: cheap checks first; the nonce is claimed only for a valid signature, so forged requests
 * cannot burn ids.
 */
export function gatewayAuth(opts: GatewayAuthOptions): MiddlewareHandler {
  const now = opts.now ?? Date.now;
  if (opts.required && !opts.nonces) throw new Error('gatewayAuth: a nonce store is required');
  return async function gatewayAuth(c, next) {
    if (!opts.required || UNSIGNED_PATHS.has(c.req.path)) return next();
    const refuse = (reason: Refusal) => {
      c.set('requestId', crypto.randomUUID());
      opts.onRefused?.(reason, c);
      return problemResponse(c, 'GATEWAY_SIGNATURE_INVALID');
    };
    const header = c.req.header(SIGNATURE_HEADER);
    const parsed = parseSignatureHeader(header);
    if (!header || !parsed || !opts.secret) return refuse(header ? 'malformed' : 'missing');
    const fresh = checkTimestamp(parsed.t, now());
    if (fresh !== 'ok') return refuse(fresh);
    const requestId = c.req.header('x-request-id') ?? '';
    if (!NONCE_PATTERN.test(requestId)) return refuse('bad_request_id');
    const body = await bodyBytes(c.req.raw);
    if (!body) {
      c.set('requestId', crypto.randomUUID());
      opts.onRefused?.('body_too_large', c);
      return problemResponse(c, 'BODY_TOO_LARGE', {
        detail: `The body must be at most ${MAX_SIGNED_BODY_BYTES} bytes`,
      });
    }
    const url = new URL(c.req.url);
    const check = await checkGatewaySignature(
      opts.secret,
      header,
      {
        method: c.req.method,
        pathAndQuery: url.pathname + url.search,
        requestId,
        bodySha256: await bodyDigest(body, NODE_CRYPTO),
        credential: await credentialBinding(
          pickCredential(c.req.header('authorization'), c.req.header('cookie'), ACCESS_COOKIE),
          NODE_CRYPTO,
        ),
        userId: c.req.header(USER_HEADER) ?? '',
        role: c.req.header(ROLE_HEADER) ?? '',
      },
      now(),
      NODE_CRYPTO,
    );
    if (check !== 'ok') return refuse(check);
    if (!(await opts.nonces!.claim(requestId))) return refuse('replayed');
    return next();
  };
}
