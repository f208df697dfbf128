import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { WafRulesSchema } from './waf.ts';
import { AccessRulesSchema } from './access.ts';
import { LimitsRulesSchema } from './limits.ts';

/**
 * The rule files the security team edits in gateway/rules/, each with its zod schema. The Worker
 * bundles them (wrangler Text modules) and `npm run waf -- lint` reads them from disk; both validate
 * through `parseRuleFiles`, so an invalid file fails the build, the tests and lint alike.
 */
export const RULE_FILES = {
  'waf.yaml': WafRulesSchema,
  'access.yaml': AccessRulesSchema,
  'limits.yaml': LimitsRulesSchema,
} as const;

type RuleFileName = keyof typeof RULE_FILES;
export type RuleSet = { [K in RuleFileName]: z.infer<(typeof RULE_FILES)[K]> };

export class RuleFileError extends Error {
  constructor(readonly problems: { file: string; path: string; message: string }[]) {
    super(
      'Invalid rule files:\n' +
        problems.map((p) => `  ${p.file}${p.path ? ` ${p.path}` : ''}: ${p.message}`).join('\n'),
    );
  }
}

/** Parses and validates every rule file; throws one RuleFileError naming each problem. */
export function parseRuleFiles(texts: Partial<Record<string, string>>): RuleSet {
  const problems: { file: string; path: string; message: string }[] = [];
  const out: Record<string, unknown> = {};
  for (const [file, schema] of Object.entries(RULE_FILES)) {
    const text = texts[file];
    if (text === undefined) {
      problems.push({ file, path: '', message: 'file is missing' });
      continue;
    }
    let data: unknown;
    try {
      data = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
    } catch (e) {
      problems.push({ file, path: '', message: `YAML: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    const r = (schema as z.ZodType).safeParse(data);
    if (!r.success) {
      for (const i of r.error.issues) {
        // A list entry with an id (an exclusion) is named by it too: `exclusions[3] (id login-email)`.
        const [list, index] = i.path;
        const entry = typeof index === 'number' ? (data as Record<PropertyKey, unknown[]>)?.[list]?.[index] : undefined;
        const id = (entry as { id?: unknown } | undefined)?.id;
        problems.push({
          file,
          path:
            i.path
              .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
              .join('')
              .replace(/^\./, '') + (typeof id === 'string' ? ` (id ${id})` : ''),
          message: i.message,
        });
      }
    } else out[file] = r.data;
  }
  if (problems.length) throw new RuleFileError(problems);
  return out as RuleSet;
}
