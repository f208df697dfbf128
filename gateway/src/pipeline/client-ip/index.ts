import type { Context, MiddlewareHandler } from 'hono';
import ipaddr from 'ipaddr.js';
import type { GatewayEnv } from '../../env.ts';
import type { GatewaySettings } from '../../config/bindings.ts';
import { problemResponse } from '../../respond.ts';
import { settingsOf } from '../settings/index.ts';
import { parseClientIp } from '../../access/ip-ranges.ts';

/** Four-part decimal IPv4 in canonical text (no leading zeros, each part ≤ 255), the only IPv4 form accepted. */
const CANONICAL_IPV4 = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

function isCanonicalIPv4(s: string): boolean {
  if (!CANONICAL_IPV4.test(s)) return false;
  for (const part of s.split('.')) if (Number(part) > 255) return false;
  return true;
}

/**
 * One address in canonical text, or null. Only the forms a proxy writes are accepted: four-part
 * decimal IPv4 and IPv6 (an IPv4-mapped IPv6 address becomes its IPv4). `0xc6.0x33.0x64.7` or
 * `3325256711` are refused rather than "fixed up" into an allowlisted address.
 * @internal exported for its tests
 */
export function canonicalAddress(raw: string | undefined): string | null {
  const s = raw?.trim();
  if (!s) return null;
  if (isCanonicalIPv4(s)) return s;
  if (!s.includes(':') || !ipaddr.IPv6.isValid(s)) return null;
  return ipaddr.process(s).toString();
}

/**
 * The client address from a trusted source, `unknown` (development only), or `refuse`.
 * @internal exported for its tests
 */
export function resolveClientIp(
  cfg: GatewaySettings['clientIp'],
  header: (name: string) => string | undefined,
  cf: unknown,
): string | 'unknown' | 'refuse' {
  switch (cfg.source) {
    case 'cloudflare':
      // Only Cloudflare's edge sets `cf`; without it CF-Connecting-IP is whatever the client wrote.
      if (!cf || typeof cf !== 'object') return 'refuse';
      return canonicalAddress(header('cf-connecting-ip')) ?? 'refuse';
    case 'proxy': {
      const hops = (header(cfg.header) ?? '').split(',');
      // Right to left: each trusted proxy appended the address it saw; the first outside them is the client.
      for (let i = hops.length - 1; i >= 0; i--) {
        const a = canonicalAddress(hops[i]);
        if (!a) return 'refuse';
        if (i === 0 || !cfg.proxies.has(ipaddr.parse(a))) return a;
      }
      return 'refuse';
    }
    case 'header':
      return canonicalAddress(header(cfg.header)) ?? 'unknown';
    case 'none':
      return 'unknown';
  }
}

let saidUnknown = false;

/**
 * The client address, from the one source the bindings trust (CLIENT_IP_SOURCE, docs/rules/access.md
 * "Client address"). In production a request without a trusted address is refused (403
 * CLIENT_ADDRESS_UNTRUSTED): answering it would put every such client in one bucket, where one
 * locks out the next. In development it gets the shared bucket `unknown`, and the log says so once.
 */
export function clientIp(): MiddlewareHandler<GatewayEnv> {
  return async function clientIp(c, next) {
    const s = settingsOf(c);
    const ip = resolveClientIp(s.clientIp, (n) => c.req.header(n), c.req.raw.cf);
    if (ip === 'refuse' && s.env === 'production') return problemResponse(c, 'CLIENT_ADDRESS_UNTRUSTED');
    if (ip === 'refuse' || ip === 'unknown') {
      if (!saidUnknown) {
        saidUnknown = true;
        console.warn(
          JSON.stringify({
            level: 'warn',
            msg: `development: no trusted client address (CLIENT_IP_SOURCE=${s.clientIp.source}); such requests share the rate-limit bucket ip:unknown`,
          }),
        );
      }
      c.set('clientIp', 'unknown');
    } else c.set('clientIp', ip);
    await next();
  };
}

/**
 * The client address of `c` as parsed by ipaddr.js, parsed once per request: the allowlist, the
 * crawler check and the rate-limit keys all read it (three parses per request before). Keyed by the
 * `clientIp` text, so a value set later (tests mount single stages) is never answered from a stale parse.
 */
export function clientAddressOf(c: Context<GatewayEnv>): ReturnType<typeof parseClientIp> {
  const ip = c.get('clientIp') ?? 'unknown';
  const memo = c.get('clientAddr');
  if (memo?.ip === ip) return memo.addr;
  const addr = parseClientIp(ip);
  c.set('clientAddr', { ip, addr });
  return addr;
}
