import { z } from 'zod';

/**
 * `prose` entries of gateway/rules/waf.yaml: fields where people write (essays, application answers,
 * messages, listing descriptions). In prose the WAF judges whether code would execute or break out
 * rather than whether it is mentioned (docs/rules/waf.md, "Prose fields").
 */
const routePattern = z.string().regex(/^(\*\*|\/[^\s?#]*)$/, 'a path pattern starting with / (or **)');
const method = z.enum(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** A prose field: a JSON path (`$.essay`, `$.answers[*].text`, `*` one segment, `**` any) or a form field name. */
const ProseFieldSchema = z.union([
  z.object({ json: z.string().regex(/^\$/, 'a JSON path starting with $') }).strict(),
  z.object({ form: z.string().min(1) }).strict(),
]);

export const WafProseSchema = z
  .object({
    /** Stable name; shows up in `waf explain` as `prose:<id>`. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'kebab-case'),
    /** What people write here and why it is prose. */
    reason: z.string().min(1),
    /** Route patterns the fields belong to (never every route). */
    routes: z.array(routePattern).min(1).describe('Route patterns the fields belong to'),
    /** Methods; default every method that carries a body. */
    methods: z.array(method).min(1).optional().describe('Methods; default every method'),
    fields: z
      .array(ProseFieldSchema)
      .min(1)
      .describe('Prose fields: {json: $.essay} (a path; * one segment, ** any) | {form: essay}'),
  })
  .strict();
export type WafProse = z.infer<typeof WafProseSchema>;
