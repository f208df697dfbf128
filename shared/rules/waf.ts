import { z } from 'zod';

/** Schema of gateway/rules/waf.yaml (placeholder until its issue lands). */
export const WafRulesSchema = z.object({ version: z.literal(1) }).strict();
export type WafRules = z.infer<typeof WafRulesSchema>;
