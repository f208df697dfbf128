import { z } from 'zod';

/** Schema of gateway/rules/access.yaml (placeholder until its issue lands). */
export const AccessRulesSchema = z.object({ version: z.literal(1) }).strict();
export type AccessRules = z.infer<typeof AccessRulesSchema>;
