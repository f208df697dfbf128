import { z } from 'zod';
import { CidrSchema } from './cidr.ts';

/**
 * Schema of gateway/rules/access.yaml: who the client is (QA, monitor, verified crawler), which
 * browser origins may call the API (CORS), and which routes need an access token (the JWT rule,
 * WAF_AUTH_001). Reference: docs/rules/access.md. gateway/src/access/compile.ts compiles it once
 * per isolate; an invalid file fails the build, the tests and `npm run waf -- lint`.
 */

/** What an allowlist entry (or a verified crawler) may be granted. Nothing here turns off logging. */
const GRANTS = [
  /** The rate-limit stage lets the request through without counting it. */
  'skip_rate_limit',
  /** The response carries X-Waf-Verdict, X-Waf-Rules, X-Waf-Score and X-Client-Class. */
  'debug_headers',
  /** The WAF scores and logs but does not block (the verdict is still logged). */
  'waf_monitor_only',
] as const;
export type Grant = (typeof GRANTS)[number];

/** Classes an allowlist entry can give; `verified_crawler` comes from crawler verification only. */
const ALLOWLIST_CLASSES = ['qa', 'monitor'] as const;
const JWT_ALGORITHMS = ['ES256', 'EdDSA'] as const;
const METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'kebab-case: lower-case letters, digits and dashes');
const grants = z.array(z.enum(GRANTS, { error: `a grant: one of ${GRANTS.join(', ')}` }));

/** `/api/auth/login` exact; `*` one path segment; `**` (a whole segment) zero or more segments. */
const AccessPathSchema = z
  .string()
  .regex(/^\/[^\s?#]*$/, 'a path pattern starting with /, like /api/auth/login or /scholarships/**')
  .refine(
    (p) => p.split('/').every((seg) => !seg.includes('**') || seg === '**'),
    '** must be a whole segment, like /api/**',
  );

/** A date (`2027-03-31`, valid through that day, UTC) or a date-time with an offset. */
const expiry = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'a date like 2027-03-31 or a date-time like 2027-03-31T18:00:00Z',
});

const AllowlistEntrySchema = z
  .object({
    /** Stable name; it appears in logs (`allowlist`) and lint warnings. */
    name,
    /** The client class requests from these ranges get. */
    class: z.enum(ALLOWLIST_CLASSES),
    /** IPv4 and IPv6 ranges, matched against CF-Connecting-IP. */
    cidrs: z.array(CidrSchema).min(1),
    /** Who answers for this entry (a team or a person's address). */
    owner: z.string().min(1),
    /** Why it exists, for reviewers. */
    reason: z.string().min(1),
    /** After this it grants nothing and lint warns; a date means through the end of that day (UTC). */
    expires_at: expiry,
    grants: grants.default([]),
  })
  .strict();

const CrawlerOperatorSchema = z
  .object({
    /** Key in gateway/rules/crawlers.json; also logged. */
    name,
    /** Case-insensitive substrings of User-Agent that claim this crawler (e.g. `Googlebot`). */
    user_agent_tokens: z
      .array(
        z
          .string()
          .min(3)
          .regex(/^[\w .+/-]+$/, 'plain text, not a pattern'),
      )
      .min(1),
    /** The operator's published JSON range file; `npm run crawlers:update` fetches it into crawlers.json. */
    ranges_url: z.url({ protocol: /^https?$/ }).optional(),
    /** Extra ranges kept by hand, for operators that publish none as JSON. */
    cidrs: z.array(CidrSchema).default([]),
  })
  .strict();

const exactOrigin = z.string().superRefine((o, ctx) => {
  const refuse = (message: string) => ctx.addIssue({ code: 'custom', message });
  if (o.trim() === '*')
    return refuse(
      '"*" is refused: it lets every site read API responses. List each origin exactly, like https://app.example.com',
    );
  if (o.trim().toLowerCase() === 'null')
    return refuse(
      '"null" is refused: sandboxed iframes, file: pages and cross-site redirects all send Origin: null, so allowing it allows any site',
    );
  if (/[*?^$()[\]{}|\\]/.test(o) || o.startsWith('.') || !o.includes('://')) {
    return refuse(
      `"${o}" is a pattern; patterns are refused because one can match many or every origin. List each origin exactly, like https://app.example.com`,
    );
  }
  let url: URL;
  try {
    url = new URL(o);
  } catch {
    return refuse(`"${o}" is not an origin like https://app.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return refuse(`"${o}" must use https (or http for local development)`);
  if (url.origin !== o)
    return refuse(
      `"${o}" must be exactly scheme://host[:port] in lower case, without path or trailing slash (did you mean ${url.origin}?)`,
    );
});

const CorsSchema = z
  .object({
    /** Exact origins whose pages may call the API with credentials. */
    allowed_origins: z.array(exactOrigin),
    /** Methods a preflight may ask for. */
    allowed_methods: z.array(z.enum(METHODS)).min(1),
    /** Request headers (lower-case) a preflight may ask for. CORS-safelisted ones need not be listed. */
    allowed_headers: z.array(
      z
        .string()
        .regex(/^[a-z0-9!#$%&'*+.^_`|~-]+$/, 'a lower-case header name')
        .refine((h) => h !== '*', '"*" is refused: list the headers'),
    ),
    /** Response headers scripts may read. */
    exposed_headers: z.array(z.string().regex(/^[a-z0-9!#$%&'+.^_`|~-]+$/, 'a lower-case header name')).default([]),
    /** Send Access-Control-Allow-Credentials: true (cookies and Authorization). */
    allow_credentials: z.boolean().default(true),
    /** How long a browser may cache a preflight answer (browsers cap it: Chromium at 7200). */
    max_age_seconds: z.number().int().min(0).max(86_400).default(600),
  })
  .strict();

export const JwtExemptionSchema = z
  .object({
    match: z.union([AccessPathSchema, z.array(AccessPathSchema).min(1)]),
    /** Methods exempt; default every method. */
    methods: z.array(z.enum(METHODS)).min(1).optional(),
    reason: z.string().min(1),
  })
  .strict();

const JwtSchema = z
  .object({
    issuer: z.string().min(1),
    audience: z.string().min(1),
    /** The only algorithm accepted; `none` and HMAC algorithms are not possible here. */
    algorithm: z.enum(JWT_ALGORITHMS),
    /** Tolerated difference between the backend's clock and the gateway's for exp/nbf/iat. */
    clock_skew_seconds: z.number().int().min(0).max(300).default(30),
    /** Cookie carrying the access token for browsers (the Authorization header wins when both are sent). */
    cookie: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('gh_access'),
    jwks: z
      .object({
        /** Path on BACKEND_URL serving the public keys. */
        path: AccessPathSchema.default('/.well-known/jwks.json'),
        /** Keys are reused this long before a background-free refetch on the next request. */
        max_age_seconds: z.number().int().min(10).max(86_400).default(300),
        /** At most one refetch per this interval, even under a flood of unknown `kid`s. */
        min_refetch_interval_seconds: z.number().int().min(1).max(3600).default(30),
        timeout_ms: z.number().int().min(100).max(10_000).default(2000),
      })
      .strict()
      .prefault({}),
    /** Routes that need a valid token unless an exemption matches. */
    protected: z.array(AccessPathSchema).min(1),
    exempt: z.array(JwtExemptionSchema).default([]),
  })
  .strict();

export const AccessRulesSchema = z
  .object({
    version: z.literal(1),
    allowlist: z.array(AllowlistEntrySchema).default([]),
    crawlers: z
      .object({
        /** Also verify a crawler that Cloudflare marks `request.cf.botManagement.verifiedBot`. */
        trust_cloudflare_verified_bot: z.boolean().default(true),
        /**
         * Grants every verified crawler gets (default none). Their rate policy needs no grant: limits.yaml
         * selects it by the client class `verified_crawler`.
         */
        grants: grants.default([]),
        operators: z.array(CrawlerOperatorSchema).default([]),
      })
      .strict()
      .prefault({}),
    cors: CorsSchema,
    jwt: JwtSchema,
    /** Paths the gateway answers 404 for unless GATEWAY_ENV=development (the dev mailbox). */
    development_only: z.array(AccessPathSchema).default([]),
  })
  .strict()
  .superRefine((v, ctx) => {
    const unique = (values: string[], path: (string | number)[], what: string) => {
      const seen = new Set<string>();
      values.forEach((x, i) => {
        if (seen.has(x)) ctx.addIssue({ code: 'custom', path: [...path, i], message: `duplicate ${what} ${x}` });
        seen.add(x);
      });
    };
    unique(
      v.allowlist.map((e) => e.name),
      ['allowlist'],
      'allowlist name',
    );
    unique(
      v.crawlers.operators.map((o) => o.name),
      ['crawlers', 'operators'],
      'crawler name',
    );
    unique(v.cors.allowed_origins, ['cors', 'allowed_origins'], 'origin');
    for (const [i, e] of v.allowlist.entries()) unique(e.grants, ['allowlist', i, 'grants'], 'grant');
  });

export type AccessRules = z.infer<typeof AccessRulesSchema>;

/** The instant an `expires_at` value stops granting (a bare date lasts through that UTC day). */
export function expiryInstant(expiresAt: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(expiresAt) ? Date.parse(`${expiresAt}T23:59:59.999Z`) : Date.parse(expiresAt);
}

/** Lint warns this long before an allowlist entry expires, so its owner can renew it in time. */
const EXPIRY_NOTICE_MS = 14 * 86_400_000;

/**
 * Warnings `npm run waf -- lint` prints for access.yaml: valid, but probably not what is meant.
 * Pure, so lint and tests share it.
 */
export function accessRuleWarnings(rules: AccessRules, now = Date.now()): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  rules.allowlist.forEach((e, i) => {
    const end = expiryInstant(e.expires_at);
    if (end <= now)
      out.push({
        path: `allowlist[${i}]`,
        message: `${e.name} expired on ${e.expires_at} and grants nothing; renew it (new expires_at) or delete it`,
      });
    else if (end - now < EXPIRY_NOTICE_MS)
      out.push({
        path: `allowlist[${i}]`,
        message: `${e.name} expires on ${e.expires_at}; ask ${e.owner} whether to renew it`,
      });
    if (e.grants.includes('waf_monitor_only'))
      out.push({
        path: `allowlist[${i}].grants`,
        message: `${e.name}: attacks from these ranges are logged, not blocked (waf_monitor_only)`,
      });
    if (e.grants.length === 0)
      out.push({ path: `allowlist[${i}].grants`, message: `${e.name} grants nothing beyond its class` });
  });
  rules.crawlers.operators.forEach((o, i) => {
    if (!o.ranges_url && o.cidrs.length === 0 && !rules.crawlers.trust_cloudflare_verified_bot) {
      out.push({
        path: `crawlers.operators[${i}]`,
        message: `${o.name} has no ranges and Cloudflare verification is off: it can never be verified`,
      });
    }
  });
  if (rules.cors.allowed_origins.length === 0)
    out.push({ path: 'cors.allowed_origins', message: 'no origin may call the API from a browser page' });
  return out;
}
