import { z } from 'zod';

/** Schema of gateway/rules/limits.yaml (placeholder until its issue lands). */
export const LimitsRulesSchema = z.object({ version: z.literal(1) }).strict();
export type LimitsRules = z.infer<typeof LimitsRulesSchema>;
