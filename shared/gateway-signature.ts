import type { PresentedCredential } from './credential.ts';

/**
 * The gateway signs every request it forwards so the backend can refuse traffic that bypassed it.
 * Header: `X-Gateway-Signature: t=<unix seconds>,v2=<hex HMAC-SHA256>` over the lines
 * `v2, t, METHOD, path+query, request id, body SHA-256, credential, user id, role`
 * (user and role empty when anonymous). Binding the body digest and the credential means a captured
 * signature cannot carry another body or another token; the backend also refuses a request id it
 * has seen (single-use nonce) and timestamps ahead of its clock by more than a small skew.
 * Web Crypto by default, so the same code runs in workerd and Node (`SignatureCrypto`).
 */
export const SIGNATURE_HEADER = 'x-gateway-signature';
export const USER_HEADER = 'x-gateway-user';
export const ROLE_HEADER = 'x-gateway-role';
/** Signed requests older than this are refused: enough for a slow upstream, too short for replays. */
export const SIGNATURE_MAX_AGE_SECONDS = 60;
/** Clock difference tolerated for a timestamp ahead of the backend's clock (NTP-synced hosts). */
export const SIGNATURE_MAX_SKEW_SECONDS = 5;
/** A request id is a single-use nonce: word characters and dashes, as the gateway's UUIDs are. */
export const NONCE_PATTERN = /^[A-Za-z0-9-]{16,64}$/;

export interface SignedParts {
  method: string;
  pathAndQuery: string;
  requestId: string;
  /** Hex SHA-256 of the body bytes forwarded (of nothing when there is no body): see `bodyDigest`. */
  bodySha256: string;
  /** `credentialBinding()` of the token the gateway saw (or its absence). */
  credential: string;
  userId?: string;
  role?: string;
}

const enc = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let k = keyCache.get(secret);
  if (!k) {
    k = crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keyCache.set(secret, k);
  }
  return k;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hex(buf: ArrayBuffer): string {
  let out = '';
  for (const b of new Uint8Array(buf)) out += HEX[b];
  return out;
}

/**
 * The two primitives the scheme needs, as hex. Web Crypto by default (workerd and Node alike); the
 * backend passes Node's synchronous `node:crypto` ones (backend/src/http/node-signature-crypto.ts):
 * Web Crypto in Node hands each digest to a worker thread and back, which cost ~0.5 ms of the
 * backend's main thread per request, more than the hashing.
 */
export interface SignatureCrypto {
  sha256Hex(data: Uint8Array): string | Promise<string>;
  hmacSha256Hex(secret: string, data: string): string | Promise<string>;
}

/** @internal exported for its tests (the default everywhere else) */
export const WEB_CRYPTO: SignatureCrypto = {
  sha256Hex: async (data) => hex(await crypto.subtle.digest('SHA-256', data as BufferSource)),
  hmacSha256Hex: async (secret, data) => hex(await crypto.subtle.sign('HMAC', await hmacKey(secret), enc.encode(data))),
};

/** SHA-256 of zero bytes: every GET's body digest, so it is not computed per request. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Hex SHA-256 of the body bytes; `undefined`/empty → the digest of zero bytes. */
export async function bodyDigest(
  body: Uint8Array | ArrayBuffer | undefined,
  impl: SignatureCrypto = WEB_CRYPTO,
): Promise<string> {
  if (!body || body.byteLength === 0) return EMPTY_SHA256;
  return impl.sha256Hex(body instanceof Uint8Array ? body : new Uint8Array(body));
}

/**
 * What the signature says about the credential: `-` for none, `sha256:<hex>` of the token (never the
 * token itself), or the refusal kind. Both sides derive it with `pickCredential` from the headers.
 */
export async function credentialBinding(
  cred: PresentedCredential,
  impl: SignatureCrypto = WEB_CRYPTO,
): Promise<string> {
  if (cred.kind === 'none') return '-';
  if (cred.kind !== 'token') return cred.kind;
  return `sha256:${await impl.sha256Hex(enc.encode(cred.token))}`;
}

function canonical(t: number, p: SignedParts): string {
  return [
    'v2',
    t,
    p.method.toUpperCase(),
    p.pathAndQuery,
    p.requestId,
    p.bodySha256,
    p.credential,
    p.userId ?? '',
    p.role ?? '',
  ].join('\n');
}

export async function signGatewayRequest(secret: string, parts: SignedParts, now = Date.now()): Promise<string> {
  const t = Math.floor(now / 1000);
  return `t=${t},v2=${await WEB_CRYPTO.hmacSha256Hex(secret, canonical(t, parts))}`;
}

/** Constant-time comparison of two hex strings of equal length. */
function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Why a signature was refused, or `ok`; a value so callers can log the reason without a stack. */
export type SignatureCheck = 'ok' | 'missing' | 'malformed' | 'stale' | 'future' | 'mismatch';

/** The header's timestamp, when it is well-formed (the backend checks freshness before reading a body). */
export function parseSignatureHeader(header: string | null | undefined): { t: number; mac: string } | undefined {
  const m = header ? /^t=(\d{1,12}),v2=([0-9a-f]{64})$/.exec(header) : null;
  return m ? { t: Number(m[1]), mac: m[2] } : undefined;
}

/** Freshness alone: older than the window, or ahead of this clock by more than the skew. */
export function checkTimestamp(t: number, now = Date.now()): SignatureCheck {
  const age = now / 1000 - t;
  if (age > SIGNATURE_MAX_AGE_SECONDS) return 'stale';
  if (age < -SIGNATURE_MAX_SKEW_SECONDS) return 'future';
  return 'ok';
}

export async function checkGatewaySignature(
  secret: string,
  header: string | null | undefined,
  parts: SignedParts,
  now = Date.now(),
  impl: SignatureCrypto = WEB_CRYPTO,
): Promise<SignatureCheck> {
  if (!header) return 'missing';
  const parsed = parseSignatureHeader(header);
  if (!parsed) return 'malformed';
  const fresh = checkTimestamp(parsed.t, now);
  if (fresh !== 'ok') return fresh;
  return safeEqual(parsed.mac, await impl.hmacSha256Hex(secret, canonical(parsed.t, parts))) ? 'ok' : 'mismatch';
}

/** @internal exported for its tests */
export async function verifyGatewaySignature(
  secret: string,
  header: string | null | undefined,
  parts: SignedParts,
  now = Date.now(),
): Promise<boolean> {
  return (await checkGatewaySignature(secret, header, parts, now)) === 'ok';
}
