import { z } from 'zod';
import { CidrSchema } from './schema/cidr.ts';
import { compileRanges, type IpRanges } from '../access/ip-ranges.ts';

/**
 * The Worker's bindings, validated with zod once per isolate (bindings only arrive with a request in
 * module Workers; `npm run gateway` validates the same schema before it starts workerd, so a
 * self-hosted gateway with a bad value never starts). A bad value names the variable; it is never a
 * 500 on every request with a stack trace.
 */

const GATEWAY_ENVS = ['production', 'development'] as const;
/**
 * Where the client address comes from (docs/rules/access.md, "Client address"):
 * - `cloudflare`: `CF-Connecting-IP`, only on requests that carry Cloudflare's `cf` object;
 * - `proxy`: the `CLIENT_IP_HEADER` list (X-Forwarded-For style) read right to left, skipping hops
 *   inside `TRUSTED_PROXY_CIDRS`; the first address outside them is the client;
 * - `header`: `CLIENT_IP_HEADER` from any peer: development only (npm start, tests);
 * - `none`: no address; every client shares one bucket: development only.
 */
const CLIENT_IP_SOURCES = ['cloudflare', 'proxy', 'header', 'none'] as const;

const optionalText = z
  .string()
  .trim()
  .min(1)
  .optional()
  .or(z.literal('').transform(() => undefined));
const headerName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]+$/, 'a header name like x-forwarded-for');

const BindingsSchema = z
  .object({
    GATEWAY_ENV: z.enum(GATEWAY_ENVS).default('production'),
    BACKEND_URL: z.url({ protocol: /^https?$/, error: 'an http(s) URL like https://origin.example.com' }).refine(
      (u) => {
        if (!URL.canParse(u)) return true; // reported by z.url already
        const url = new URL(u);
        return (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username;
      },
      { error: 'an origin only (scheme://host[:port]), without path, query or credentials' },
    ),
    GATEWAY_SHARED_SECRET: z.string().min(16, 'at least 16 characters'),
    UPSTASH_REDIS_REST_URL: z
      .url({ protocol: /^https?$/ })
      .optional()
      .or(z.literal('').transform(() => undefined)),
    UPSTASH_REDIS_REST_TOKEN: optionalText,
    RATE_LIMIT_PREFIX: optionalText,
    GATEWAY_METRICS_TOKEN: optionalText,
    CLIENT_IP_SOURCE: z.enum(CLIENT_IP_SOURCES).optional(),
    CLIENT_IP_HEADER: headerName.optional(),
    /** Comma- or space-separated CIDRs of the reverse proxies in front of a self-hosted gateway. */
    TRUSTED_PROXY_CIDRS: z
      .string()
      .optional()
      .transform((s) => (s ?? '').split(/[\s,]+/).filter(Boolean))
      .pipe(z.array(CidrSchema)),
  })
  .superRefine((b, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (b.UPSTASH_REDIS_REST_URL && !b.UPSTASH_REDIS_REST_TOKEN)
      issue('UPSTASH_REDIS_REST_TOKEN', 'required when UPSTASH_REDIS_REST_URL is set');
    if (b.CLIENT_IP_SOURCE === 'proxy' && !b.TRUSTED_PROXY_CIDRS.length)
      issue('TRUSTED_PROXY_CIDRS', 'required when CLIENT_IP_SOURCE is proxy (the proxies whose header is trusted)');
    if (b.CLIENT_IP_SOURCE === 'proxy' && !b.CLIENT_IP_HEADER)
      issue('CLIENT_IP_HEADER', 'required when CLIENT_IP_SOURCE is proxy (e.g. x-forwarded-for)');
    if (b.GATEWAY_ENV !== 'production') return;
    if (!b.BACKEND_URL.startsWith('https://'))
      issue('BACKEND_URL', 'must be https in production (the backend is reached over the internet or a tunnel)');
    if (b.CLIENT_IP_SOURCE !== 'cloudflare' && b.CLIENT_IP_SOURCE !== 'proxy')
      issue(
        'CLIENT_IP_SOURCE',
        'must be cloudflare or proxy in production: without a trusted source every client could claim any address',
      );
  });

/** The validated bindings plus what the hot path needs precomputed. */
export interface GatewaySettings {
  env: 'production' | 'development';
  backendOrigin: string;
  clientIp: { source: (typeof CLIENT_IP_SOURCES)[number]; header: string; proxies: IpRanges };
}

export class BindingsError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid gateway bindings:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'BindingsError';
  }
}

/** Validates bindings; throws a BindingsError naming each bad variable. */
export function parseBindings(env: Record<string, unknown>): GatewaySettings {
  const r = BindingsSchema.safeParse(env);
  if (!r.success)
    throw new BindingsError(r.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message })));
  const b = r.data;
  const source = b.CLIENT_IP_SOURCE ?? 'none';
  return {
    env: b.GATEWAY_ENV,
    backendOrigin: new URL(b.BACKEND_URL).origin,
    clientIp: {
      source,
      // Lower case, as Headers iterate names: the proxy drops it by name from what it forwards.
      header: (b.CLIENT_IP_HEADER ?? (source === 'proxy' ? 'x-forwarded-for' : 'cf-connecting-ip')).toLowerCase(),
      proxies: compileRanges(b.TRUSTED_PROXY_CIDRS),
    },
  };
}

const cache = new WeakMap<object, GatewaySettings | BindingsError>();
let last: { key: string; value: GatewaySettings | BindingsError } | undefined;

/** The bindings that decide the settings, as one string (a runtime may hand a new env object per request). */
const keyOf = (env: Record<string, unknown>) =>
  [
    'GATEWAY_ENV',
    'BACKEND_URL',
    'GATEWAY_SHARED_SECRET',
    'UPSTASH_REDIS_REST_URL',
    'UPSTASH_REDIS_REST_TOKEN',
    'RATE_LIMIT_PREFIX',
    'GATEWAY_METRICS_TOKEN',
    'CLIENT_IP_SOURCE',
    'CLIENT_IP_HEADER',
    'TRUSTED_PROXY_CIDRS',
  ]
    .map((k) => String(env[k] ?? ''))
    .join('\u0000');

/** `parseBindings` once per bindings object, or per distinct set of values (one per isolate in production). */
export function settingsFor(env: object): GatewaySettings | BindingsError {
  let s = cache.get(env);
  if (s) return s;
  const key = keyOf(env as Record<string, unknown>);
  if (last?.key === key) s = last.value;
  else {
    try {
      s = parseBindings(env as Record<string, unknown>);
    } catch (e) {
      if (!(e instanceof BindingsError)) throw e;
      s = e;
    }
    last = { key, value: s };
  }
  cache.set(env, s);
  return s;
}
