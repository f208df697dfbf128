import type { FieldFormatName } from '../../config/schema/waf.ts';
import type { RuleMeta } from '../types.ts';
import { email } from './email.ts';
import { enumFormat } from './enum.ts';
import { search } from './search.ts';
import { secret } from './secret.ts';
import { slug } from './slug.ts';
import type { FieldFormat } from './types.ts';
import { url } from './url.ts';

/** Every field format by the name waf.yaml uses (a Record: tsc fails when the schema's list changes). */
export const FORMATS: Readonly<Record<FieldFormatName, FieldFormat>> = {
  email,
  secret,
  search,
  slug,
  url,
  enum: enumFormat,
};

/** The format rules (`WAF_FORMAT_*`), registered with the protocol and detector rules at load. */
export const FORMAT_RULES: readonly RuleMeta[] = Object.values(FORMATS).map((f) => f.rule);

const FORMAT_RULE_IDS = new Set(FORMAT_RULES.map((r) => r.id));

/** True for a `WAF_FORMAT_*` rule id: its match names the field and carries a message, never the value. */
export function isFormatRule(id: string): boolean {
  return FORMAT_RULE_IDS.has(id);
}
