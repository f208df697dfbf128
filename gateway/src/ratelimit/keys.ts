import type { Context } from 'hono';
import type { GatewayEnv } from '../env.ts';
import type { LimitKey } from '../config/schema/limits.ts';
import { readCapped } from '../../../shared/read-capped.ts';

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

function emailOf(c: Context<GatewayEnv>, text: string): unknown {
  if (/^application\/x-www-form-urlencoded/i.test(c.req.header('content-type') ?? ''))
    return new URLSearchParams(text).get('email');
  const json = JSON.parse(text) as unknown;
  return json && typeof json === 'object' ? (json as Record<string, unknown>).email : undefined;
}

/**
 * The hashed login email of a JSON body `{ "email": ... }` (or of an HTML form post), or undefined
 * when there is none.
 */
async function accountHash(c: Context<GatewayEnv>): Promise<string | undefined> {
  // The body stage reads the body once; until it has, read a bounded clone ourselves.
  const clone = c.get('body') ? null : c.req.raw.clone().body;
  const bytes = c.get('body') ?? (clone ? await readCapped(clone, ACCOUNT_BODY_MAX) : null);
  if (!bytes || bytes.byteLength > ACCOUNT_BODY_MAX) return undefined;
  try {
    const email = emailOf(c, new TextDecoder().decode(bytes));
    if (typeof email !== 'string' || !email.trim()) return undefined;
    return sha256Hex(email.trim().toLowerCase());
  } catch {
    return undefined;
  }
}

/**
 * Builds a key resolver for one request; the account hash is computed at most once. Returns
 * undefined when the policy has nothing to key on (no account in the body): the policy is skipped.
 */
export function keyResolver(c: Context<GatewayEnv>) {
  let account: Promise<string | undefined> | undefined;
  const acct = () => (account ??= accountHash(c));
  return async function keyFor(kind: LimitKey): Promise<string | undefined> {
    const ip = c.get('clientIp') ?? 'unknown';
    switch (kind) {
      case 'ip':
        return `ip:${ip}`;
      case 'user': {
        const id = c.get('identity')?.userId;
        return id ? `user:${id}` : `ip:${ip}`;
      }
      case 'account': {
        const a = await acct();
        return a && `acct:${a}`;
      }
      case 'ip+account': {
        const a = await acct();
        return a && `ipacct:${ip}:${a}`;
      }
    }
  };
}
