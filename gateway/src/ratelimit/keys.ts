import type { Context } from 'hono';
import type { GatewayEnv } from '../env.ts';
import type { IpPrefix, LimitKey } from '../config/schema/limits.ts';
import { networkOf } from '../config/schema/cidr.ts';
import { parseClientIp } from '../access/ip-ranges.ts';
import { clientAddressOf } from '../pipeline/client-ip/index.ts';
import { readCapped } from '../../../shared/read-capped.ts';
import { isFormContentType, isJsonContentType } from '../../../shared/media-types.ts';

/**
 * The counter key of a policy for one request. Keys never hold raw personal data: the login email is
 * hashed (SHA-256, lowercased and trimmed first) before it reaches Redis or a log line.
 */

/** Login bodies are tiny; reading more than this for the account key would be wasted work. */
const ACCOUNT_BODY_MAX = 8 * 1024;

async function sha256Hex(s: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)));
  return Array.from(d.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Why a key could not be computed; the policy's `missing_key` says what happens then, and the stage
 * answers each with the problem the backend would give the same body.
 */
export type MissingKey =
  | 'no_account'
  | 'email_not_text'
  | 'malformed_json'
  | 'unsupported_media_type'
  | 'body_too_large';
export type KeyResult = { key: string } | { missing: MissingKey };

/**
 * The hashed login email of a JSON body `{ "email": ... }` (or of an HTML form post), or why there
 * is none. A body over ACCOUNT_BODY_MAX is reported as such, never quietly treated as "no account":
 * padding a login past the cap used to skip the per-account limit (issue 14, finding 3).
 */
async function accountHash(c: Context<GatewayEnv>): Promise<{ hash: string } | { missing: MissingKey }> {
  const type = c.req.header('content-type');
  const form = isFormContentType(type);
  if (!form && !isJsonContentType(type)) return { missing: 'unsupported_media_type' };
  // The body stage reads the body once; until it has, read a bounded clone ourselves.
  const buffered = c.get('body');
  const clone = buffered ? null : c.req.raw.clone().body;
  const bytes = buffered ?? (clone ? await readCapped(clone, ACCOUNT_BODY_MAX) : new Uint8Array(0));
  if (bytes === null || bytes.byteLength > ACCOUNT_BODY_MAX) return { missing: 'body_too_large' };
  const text = new TextDecoder().decode(bytes);
  let email: unknown;
  if (form) email = new URLSearchParams(text).get('email');
  else {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { missing: 'malformed_json' };
    }
    email = json && typeof json === 'object' ? (json as Record<string, unknown>).email : undefined;
  }
  if (email === undefined || email === null) return { missing: 'no_account' };
  if (typeof email !== 'string') return { missing: 'email_not_text' };
  if (!email.trim()) return { missing: 'no_account' };
  return { hash: await sha256Hex(email.trim().toLowerCase()) };
}

const DEFAULT_PREFIX: IpPrefix = { v4: 32, v6: 64 };

/**
 * The counter bucket of a client address for a prefix policy: the address itself at /32 (IPv4) or
 * /128, else its network (`2001:db8:1:2::/64`). `unknown` stays `unknown` (development only: the
 * client-ip stage says so when it starts).
 * @internal exported for its tests
 */
export function ipBucket(ip: string, prefix: IpPrefix = DEFAULT_PREFIX, addr = parseClientIp(ip)): string {
  if (!addr) return 'unknown';
  const len = addr.kind() === 'ipv4' ? prefix.v4 : prefix.v6;
  if (len === (addr.kind() === 'ipv4' ? 32 : 128)) return addr.toString();
  return `${networkOf(addr, len)}/${len}`;
}

/**
 * Builds a key resolver for one request; the account hash is computed at most once. A key that
 * cannot be computed comes back as `{ missing }` and the stage applies the policy's `missing_key`.
 * Keys from the address or the identity come back at once; only the account key (it may read and
 * hash the body) is a promise, so the common read and write policies cost no microtask turns.
 */
export function keyResolver(c: Context<GatewayEnv>) {
  let account: ReturnType<typeof accountHash> | undefined;
  const acct = () => (account ??= accountHash(c));
  return function keyFor(kind: LimitKey, prefix: IpPrefix = DEFAULT_PREFIX): KeyResult | Promise<KeyResult> {
    const ip = ipBucket(c.get('clientIp') ?? 'unknown', prefix, clientAddressOf(c));
    switch (kind) {
      case 'ip':
        return { key: `ip:${ip}` };
      case 'user': {
        const id = c.get('identity')?.userId;
        return { key: id ? `user:${id}` : `ip:${ip}` };
      }
      case 'account':
        return acct().then((a) => ('hash' in a ? { key: `acct:${a.hash}` } : a));
      case 'ip+account':
        return acct().then((a) => ('hash' in a ? { key: `ipacct:${ip}:${a.hash}` } : a));
    }
  };
}
