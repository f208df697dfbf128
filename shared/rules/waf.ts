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
] as const;

export const WAF_SEVERITIES = ['critical', 'error', 'warning', 'notice'] as const;
export const WAF_MODES = ['block', 'monitor', 'off'] as const;
export const HTTP_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'CONNECT'] as const;

const RULE_ID = /^WAF_[A-Z0-9]+_\d{3}$/;
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

export const WafRouteSchema = z
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

/** One field selector: exactly one kind. JSON paths: `$.a.b`, `$.items[3].q`, `*` = one segment, `**` = any number. */
export const FieldSelectorSchema = z.union([
  z.object({ json: z.string().regex(/^\$/, 'a JSON path starting with $') }).strict(),
  z.object({ query: z.string().min(1) }).strict(),
  z.object({ form: z.string().min(1) }).strict(),
  z.object({ header: z.string().min(1) }).strict(),
  z.object({ cookie: z.string().min(1) }).strict(),
  /** Any field by its own name wherever it appears: query, form, multipart, cookie, or a JSON leaf key at any depth. */
  z.object({ field: z.string().min(1) }).strict(),
  z.object({ path: z.literal(true) }).strict(),
]);

export const WafExclusionSchema = z
  .object({
    /** Stable name; shows up in `waf explain` and lint warnings. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'kebab-case'),
    /** Why this exclusion is safe. */
    reason: z.string().min(1),
    /** Rule ids and/or families removed from the selected fields. */
    remove: z
      .array(ruleRef)
      .min(1)
      .describe('Rule ids (WAF_SQLI_007) and/or families (sqli) removed from the selected fields'),
    /** Route patterns; default every route. */
    routes: z.array(routePattern).min(1).optional().describe('Route patterns; default every route'),
    /** Methods; default every method. */
    methods: z.array(method).min(1).optional().describe('Methods; default every method'),
    /** Fields the rules are removed from; default every field of the selected routes. */
    fields: z
      .array(FieldSelectorSchema)
      .min(1)
      .optional()
      .describe(
        'Fields: {json: $.a[*].b} | {query} | {form} | {header} | {cookie} | {field: name anywhere} | {path: true}; default every field',
      ),
    /** Last day the exclusion applies (UTC); lint warns once it passed. */
    expires: isoDate.optional().describe('Last day (UTC) the exclusion applies; lint warns after'),
  })
  .strict();

export const WafRuleOverrideSchema = z
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
    /** 1 = known-bad only (fewest false positives) … 4 = most rules. Rules above this level are not evaluated. */
    paranoia: z
      .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])
      .default(1)
      .describe('1 = known-bad only … 4 = most rules; higher rules are not evaluated'),
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
export type WafRoute = z.infer<typeof WafRouteSchema>;
export type WafExclusion = z.infer<typeof WafExclusionSchema>;
export type FieldSelector = z.infer<typeof FieldSelectorSchema>;
