/**
 * The gateway signs every request it forwards so the backend can refuse traffic that bypassed it.
 * Header: `X-Gateway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
 * `t \n METHOD \n path+query \n request id \n user id \n role` (user and role empty when anonymous).
 * Web Crypto only, so the same code runs in workerd and Node.
 */
export const SIGNATURE_HEADER = 'x-gateway-signature';
export const USER_HEADER = 'x-gateway-user';
export const ROLE_HEADER = 'x-gateway-role';
/** Signed requests older than this are refused: enough for a slow upstream, too short for replays. */
const SIGNATURE_MAX_AGE_SECONDS = 60;

export interface SignedParts {
  method: string;
  pathAndQuery: string;
  requestId: string;
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

function canonical(t: number, p: SignedParts): string {
  return [t, p.method.toUpperCase(), p.pathAndQuery, p.requestId, p.userId ?? '', p.role ?? ''].join('\n');
}

async function mac(secret: string, data: string): Promise<string> {
  const sig = await crypto.subtle.sign('HMAC', await hmacKey(secret), enc.encode(data));
  return [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function signGatewayRequest(secret: string, parts: SignedParts, now = Date.now()): Promise<string> {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${await mac(secret, canonical(t, parts))}`;
}

/** Constant-time comparison of two hex strings of equal length. */
function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export async function verifyGatewaySignature(
  secret: string,
  header: string | null | undefined,
  parts: SignedParts,
  now = Date.now(),
): Promise<boolean> {
  if (!header) return false;
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(now / 1000 - t) > SIGNATURE_MAX_AGE_SECONDS) return false;
  return safeEqual(m[2], await mac(secret, canonical(t, parts)));
}
