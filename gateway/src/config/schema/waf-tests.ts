import { z } from 'zod';

/**
 * Schema of the rule test cases in gateway/rules/tests/*.yaml: a request and the decision the WAF
 * must reach for it (`npm run waf -- test`, and the gateway test suite inside workerd).
 */
const ruleId = z.string().regex(/^WAF_[A-Z0-9]+(?:_[A-Z0-9]+)*_\d{3}$/);

const WafTestCaseSchema = z
  .object({
    name: z.string().min(1),
    request: z
      .object({
        method: z.string().default('GET'),
        uri: z.string().startsWith('/'),
        headers: z.record(z.string(), z.string()).default({}),
        /** Raw body text; or `json` (serialized, content-type application/json added unless given). */
        body: z.string().optional(),
        json: z.unknown().optional(),
      })
      .strict(),
    expect: z
      .object({
        action: z.enum(['block', 'monitor', 'allow']).optional(),
        would_block: z.boolean().optional(),
        /** Rules that must match. */
        rules: z.array(ruleId).optional(),
        /** Rules that must not match. */
        not_rules: z.array(ruleId).optional(),
        /** True: no rule may match at all (no event would be logged). */
        no_matches: z.boolean().optional(),
      })
      .strict(),
    /** A case the detectors do not pass yet: reported, not failed. Needs a reason. */
    pending: z.string().min(1).optional(),
  })
  .strict();

export const WafTestFileSchema = z
  .object({
    /** Rule-file directory overrides are not supported: cases run against the waf.yaml next to them. */
    cases: z.array(WafTestCaseSchema).min(1),
  })
  .strict();

export type WafTestCase = z.infer<typeof WafTestCaseSchema>;
