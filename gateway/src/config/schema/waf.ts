import { z } from 'zod';
import { WafProseSchema } from './waf-prose.ts';

/**
 * Schema of gateway/rules/waf.yaml: the WAF policy the security team edits (docs/rules/waf.md).
 * Everything here is data; gateway/src/config/waf.ts compiles it once per isolate.
 */

/** Attack families; keep in sync with `Family` in gateway/src/waf/types.ts (checked there by a type test). */
export const WAF_FAMILIES = [
  'sqli',
  'xss',
  'lfi',
  'rfi',
  'ssrf',
  'rce',
  'ssti',
  'nosql',
  'prototype-pollution',
  'crlf',
  'ldap',
  'xxe',
  'mail',
  'scanner',
  'protocol',
  'php',
  'java',
  'session-fixation',
  'format',
] as const;

/**
 * Formats an excluded field declares; the edge checks the format instead of the removed families
 * (gateway/src/waf/formats/). Keep in sync with the registry there (checked by tsc).
 */
const WAF_FIELD_FORMATS = ['email', 'secret', 'search', 'slug', 'url', 'enum'] as const;

export const WAF_SEVERITIES = ['critical', 'error', 'warning', 'notice'] as const;
const WAF_MODES = ['block', 'monitor', 'off'] as const;
const HTTP_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'CONNECT'] as const;

/** `WAF_SQLI_001`, `WAF_PROTO_POLLUTION_001`, `WAF_FORMAT_EMAIL_001`. */
const RULE_ID = /^WAF_[A-Z0-9]+(?:_[A-Z0-9]+)*_\d{3}$/;
const ruleRef = z.union([
  z.enum(WAF_FAMILIES),
  z.string().regex(RULE_ID, 'a rule id like WAF_SQLI_001 or a family like sqli'),
]);

/** `/api/auth/login`, `/api/*` (one segment), `/api/**` (any rest), `**` (everything). */
const routePattern = z.string().regex(/^(\*\*|\/[^\s?#]*)$/, 'a path pattern starting with / (or **)');
const method = z.enum(HTTP_METHODS);
const contentType = z
  .string()
  .regex(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+*-]+$/, 'a lower-case media type like application/json (no parameters)');
const isoDate = z.iso.date();

/** Mode per method; `"*"` is every method not listed. */
const modesByMethod = z.partialRecord(z.enum([...HTTP_METHODS, '*']), z.enum(WAF_MODES));

const routeSettings = {
  /** Mode per method for this route. */
  modes: modesByMethod
    .optional()
    .describe('Mode per method for this route (block | monitor | off); "*" = methods not listed'),
  /** In block mode, a request over the threshold is blocked only if a matched rule has at least this severity; otherwise it is logged as monitor. */
  block_min_severity: z
    .enum(WAF_SEVERITIES)
    .optional()
    .describe('In block mode, block only when a matched rule has at least this severity; otherwise log as monitor'),
  /** Methods this route accepts; others match WAF_PROTO_001. */
  allowed_methods: z.array(method).min(1).optional().describe('Methods this route accepts; others match WAF_PROTO_001'),
  /** Body media types this route accepts; others match WAF_PROTO_004. */
  allowed_content_types: z
    .array(contentType)
    .min(1)
    .optional()
    .describe('Body media types this route accepts; others match WAF_PROTO_004'),
};

const WafRouteSchema = z
  .object({
    /** Route pattern(s) this entry applies to; the first matching entry wins. */
    match: z
      .union([routePattern, z.array(routePattern).min(1)])
      .describe('Route pattern(s): /exact, /api/* (one segment), /api/** (any rest), **; first matching entry wins'),
    ...routeSettings,
    /** Why this route differs from the defaults (for reviewers). */
    reason: z.string().min(1).optional(),
  })
  .strict();

/** Selector kinds of an excluded field: exactly one per field. */
const SELECTOR_KINDS = ['json', 'query', 'form', 'header', 'cookie'] as const;

/**
 * One excluded field: exactly one selector plus the format the edge checks instead. JSON paths are
 * absolute (`$.email`, `$.items[*].q`; `*` = one key, `[*]` = any index); `**` (any depth) is refused,
 * since an exclusion names a field, never a name found anywhere. Names match exactly (case-sensitive).
 */
const ExcludedFieldSchema = z
  .object({
    json: z
      .string()
      .regex(/^\$/, 'a JSON path starting with $')
      .refine((p) => !p.includes('**'), 'name the JSON path: ** (any depth) is not allowed in an exclusion')
      .optional(),
    query: z.string().min(1).optional(),
    /** urlencoded and multipart field values. */
    form: z.string().min(1).optional(),
    header: z.string().min(1).optional(),
    cookie: z.string().min(1).optional(),
    format: z
      .enum(WAF_FIELD_FORMATS)
      .describe('What the value must be: email | secret | search | slug | url | enum (checked at the edge instead)'),
    max_length: z
      .number()
      .int()
      .min(1)
      .max(1_048_576)
      .optional()
      .describe(
        'Longest value in code points (default per format: email 254, secret 1024, search 1024, slug 128, url 2048)',
      ),
    values: z.array(z.string().min(1)).min(1).optional().describe('format enum: the allowed values (exact match)'),
  })
  .strict()
  .superRefine((f, ctx) => {
    const kinds = SELECTOR_KINDS.filter((k) => f[k] !== undefined);
    if (kinds.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `exactly one of ${SELECTOR_KINDS.join(', ')} (found ${kinds.length ? kinds.join(', ') : 'none'})`,
      });
    if (f.format === 'enum' && !f.values)
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'format enum needs values' });
    if (f.format !== 'enum' && f.values)
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'values is only for format enum' });
  });

/** Route patterns of an exclusion: as in `routes[].match`, but never `**` alone (that is every route). */
const exclusionRoute = routePattern.refine(
  (p) => p !== '**' && p !== '/**',
  'name the route(s): ** would apply the exclusion everywhere',
);

const WafExclusionSchema = z
  .object({
    /** Stable name; shows up in `waf explain` and lint warnings. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'kebab-case'),
    /** Why this exclusion is safe. */
    reason: z.string().min(1),
    /** Route patterns (the syntax of `routes[].match`): the exclusion applies only there. */
    routes: z
      .array(exclusionRoute)
      .min(1)
      .describe('Route patterns (as in routes[].match): /exact, /api/* (one segment), /api/** (any rest)'),
    /** Methods; default every method. */
    methods: z.array(method).min(1).optional().describe('Methods; default every method'),
    /** The fields, each with the format the edge checks instead. */
    fields: z
      .array(ExcludedFieldSchema)
      .min(1)
      .describe('Fields: {json: $.a[*].b | query | form | header | cookie, format, max_length?, values?}'),
    /**
     * Rule ids and/or families removed from the fields; default everything the format compensates
     * for (email, search, url: sqli; secret, slug, enum: every family). It cannot remove more.
     */
    remove: z
      .array(ruleRef)
      .min(1)
      .optional()
      .describe('Rule ids / families removed; default what each field format compensates for, never more'),
    /** Last day the exclusion applies (UTC); lint warns once it passed. */
    expires: isoDate.optional().describe('Last day (UTC) the exclusion applies; lint warns after'),
  })
  .strict();

const WafRuleOverrideSchema = z
  .object({
    rule: z.string().regex(RULE_ID, 'a rule id like WAF_XSS_002'),
    disabled: z.boolean().optional(),
    severity: z.enum(WAF_SEVERITIES).optional(),
    reason: z.string().min(1),
    expires: isoDate.optional(),
  })
  .strict();

export const WafRulesSchema = z
  .object({
    version: z.literal(1),
    /**
     * 1 = known-bad only (fewest false positives) … 4 = most rules. Matches of rules above this level
     * are discarded before scoring; a detector runs only if one of its rules is at or below it.
     */
    paranoia: z
      .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])
      .default(1)
      .describe('1 = known-bad only … 4 = most rules; matches of higher rules are discarded before scoring'),
    thresholds: z
      .object({
        /** Anomaly score at which a request would be blocked. */
        inbound: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .describe('Anomaly score at which a request would be blocked (critical 5, error 4, warning 3, notice 2)'),
        /** Thresholds for specific body media types (matched without parameters; `+json` suffixes count as application/json). */
        by_content_type: z
          .record(contentType, z.number().int().min(1).max(1000))
          .default({})
          .describe('Threshold per body media type, e.g. application/json: 6'),
      })
      .strict(),
    body: z
      .object({
        /** Bytes of a body the WAF reads and inspects. */
        max_inspected_bytes: z
          .number()
          .int()
          .min(1024)
          .max(16 * 1024 * 1024)
          .default(1024 * 1024),
        /** Over the limit: `block` (413 BODY_TOO_LARGE) or `inspect_prefix` (forward everything, inspect the first max_inspected_bytes). */
        over_limit: z.enum(['block', 'inspect_prefix']).default('block'),
        /** Hard cap on bodies forwarded under inspect_prefix. */
        max_forwarded_bytes: z
          .number()
          .int()
          .min(1024)
          .default(10 * 1024 * 1024),
        /** JSON nesting deeper than this is a protocol anomaly (WAF_PROTO_008); deeper values are not inspected. */
        json_max_depth: z.number().int().min(1).max(256).default(32),
        /** More fields (JSON values, form fields, parts) than this is a protocol anomaly (WAF_PROTO_009); the rest is inspected as raw text. */
        max_fields: z.number().int().min(1).max(100_000).default(1000),
      })
      .strict()
      .prefault({}),
    /** Applied to every route; route entries override them field by field. */
    defaults: z
      .object({
        modes: modesByMethod,
        block_min_severity: z.enum(WAF_SEVERITIES).default('critical'),
        allowed_methods: z.array(method).min(1),
        allowed_content_types: z.array(contentType).min(1),
      })
      .strict(),
    routes: z.array(WafRouteSchema).default([]),
    exclusions: z.array(WafExclusionSchema).default([]),
    rule_overrides: z.array(WafRuleOverrideSchema).default([]),
    /** Prose fields (essays, answers, messages, descriptions): judged on execution, not on mention. */
    prose: z.array(WafProseSchema).default([]).describe('Prose fields judged on execution, not on mention'),
    /** Field names (case-insensitive, substring of the field's own name) whose values are never logged. */
    sensitive_fields: z
      .array(z.string().min(1))
      .default([])
      .describe('Field names (case-insensitive substring) whose values are never logged'),
  })
  .strict()
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.exclusions.forEach((e, i) => {
      if (seen.has(e.id))
        ctx.addIssue({ code: 'custom', path: ['exclusions', i, 'id'], message: `duplicate exclusion id ${e.id}` });
      seen.add(e.id);
    });
    if (!v.defaults.modes['*'])
      ctx.addIssue({
        code: 'custom',
        path: ['defaults', 'modes'],
        message: 'defaults.modes needs a "*" entry for methods not listed',
      });
  });

export type WafRules = z.infer<typeof WafRulesSchema>;
export type WafExclusion = z.infer<typeof WafExclusionSchema>;
export type ExcludedField = z.infer<typeof ExcludedFieldSchema>;
export type FieldFormatName = (typeof WAF_FIELD_FORMATS)[number];
