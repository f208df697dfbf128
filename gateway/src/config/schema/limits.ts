import { z } from 'zod';

/**
 * Schema of gateway/rules/limits.yaml: one rate-limit policy per route class. The gateway compiles
 * it once per isolate (gateway/src/ratelimit/policies.ts); an invalid file fails the build and tests.
 * Reference: docs/rules/limits.md.
 */

/** `"10 s"`, `"500 ms"`, `"1 m"`: the duration syntax @upstash/ratelimit accepts. */
const DURATION = /^\d+ ?(ms|s|m|h|d)$/;
export type Duration = `${number} ${'ms' | 's' | 'm' | 'h' | 'd'}` | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a duration string the schema accepted. */
export function durationMs(d: string): number {
  const m = /^(\d+) ?(ms|s|m|h|d)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

const LIMIT_KEYS = ['ip', 'user', 'account', 'ip+account'] as const;
const ALGORITHMS = ['fixedWindow', 'slidingWindow', 'tokenBucket'] as const;
const FAILURE_MODES = ['closed', 'open', 'local'] as const;
const MISSING_KEY_ACTIONS = ['refuse', 'skip'] as const;
const CLIENT_CLASSES = ['anonymous', 'user', 'qa', 'monitor', 'verified_crawler'] as const;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const PolicySchema = z
  .object({
    /** Stable name: it appears in RateLimit headers, metrics and Redis keys. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes, at most 40'),
    description: z.string().optional(),
    match: z
      .object({
        /** Exact paths, or a prefix ending in `/*` (`/api/*` matches `/api/x/y`, not `/api`). */
        paths: z.array(z.string().regex(/^\/(\*|[^\s*]*(\/\*)?)$/, 'an absolute path, optionally ending in /*')).min(1),
        methods: z.array(z.enum(METHODS)).min(1),
        /** Only these client classes; unset = every class without a dedicated policy on the route. */
        clients: z.array(z.enum(CLIENT_CLASSES)).min(1).optional(),
      })
      .strict(),
    /**
     * ip: the client address (its `ip_prefix` network); user: the verified user id, the IP when
     * anonymous; account: the hashed login email from the body (see `missing_key`); ip+account: both.
     */
    key: z.enum(LIMIT_KEYS),
    algorithm: z.enum(ALGORITHMS),
    /** Requests per window (fixed/sliding), or bucket size refilled at `limit` per `window` (token bucket). */
    limit: z.number().int().min(1).max(1_000_000),
    window: z.string().regex(DURATION, 'a duration like "10 s", "500 ms", "1 m"'),
    failure: z
      .object({
        mode: z.enum(FAILURE_MODES),
        /** Why this route fails this way: the on-call engineer reads it (docs/runbooks/redis-down.md). */
        why: z.string().min(10),
        /** `local` mode: the in-isolate limit is `limit × degraded_factor` (at least 1). */
        degraded_factor: z.number().gt(0).max(1).optional(),
      })
      .strict(),
    /** How long one Redis decision may take before it counts as a failure. */
    timeout_ms: z.number().int().min(10).max(5000).default(250),
    /** A 2xx upstream answer gives the consumed token back (login: only failures count). */
    refund_on_success: z.boolean().default(false),
    /**
     * What happens when the key cannot be computed (an account key and a body without an email, or
     * a body over the 8 KiB the gateway reads for it): `refuse` (400 RATE_LIMIT_KEY_MISSING, 413
     * BODY_TOO_LARGE) or `skip` the policy. Credential policies must refuse: a skipped per-account
     * limit is a free password-guessing channel (issue 14, finding 3).
     */
    missing_key: z.enum(MISSING_KEY_ACTIONS).default('refuse'),
    /**
     * Per-IP keys count per network, not per address: IPv4 /32 and IPv6 /64 by default (one
     * subscriber usually holds a whole /64). Signup and reset aggregate wider (IPv6 /48).
     */
    ip_prefix: z
      .object({
        v4: z.number().int().min(8).max(32).default(32),
        v6: z.number().int().min(16).max(128).default(64),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.failure.mode === 'local' && p.failure.degraded_factor === undefined)
      ctx.addIssue({ code: 'custom', path: ['failure', 'degraded_factor'], message: 'required when mode is local' });
    if (p.failure.mode !== 'local' && p.failure.degraded_factor !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['failure', 'degraded_factor'],
        message: 'only meaningful when mode is local',
      });
    if (p.refund_on_success && !p.key.includes('account'))
      ctx.addIssue({
        code: 'custom',
        path: ['refund_on_success'],
        message: 'only account-keyed policies refund on success',
      });
  });

export const LimitsRulesSchema = z
  .object({
    version: z.literal(1),
    policies: z.array(PolicySchema).default([]),
  })
  .strict()
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.policies.forEach((p, i) => {
      if (seen.has(p.id))
        ctx.addIssue({ code: 'custom', path: ['policies', i, 'id'], message: `duplicate policy id ${p.id}` });
      seen.add(p.id);
    });
  });

export type LimitsRules = z.infer<typeof LimitsRulesSchema>;
export type LimitPolicy = LimitsRules['policies'][number];
export type LimitKey = (typeof LIMIT_KEYS)[number];
export type Algorithm = (typeof ALGORITHMS)[number];
/** @internal exported for its tests */
export type FailureMode = (typeof FAILURE_MODES)[number];
export type IpPrefix = LimitPolicy['ip_prefix'];
