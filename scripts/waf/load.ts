import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseRuleFiles, RuleFileError, RULE_FILES, type RuleSet } from '../../gateway/src/config/schema/index.ts';
import { compileWaf, type CompiledWaf } from '../../gateway/src/config/waf.ts';
import { WafRulesSchema, type WafRules } from '../../gateway/src/config/schema/waf.ts';
import { parse as parseYaml } from 'yaml';
import type { WafRequest } from '../../gateway/src/waf/engine.ts';

export const DEFAULT_RULES_DIR = 'gateway/rules';

/** Reads every rule file from `dir` and validates them together (throws RuleFileError). */
export function loadRuleSet(dir: string): RuleSet {
  const texts: Record<string, string> = {};
  for (const file of Object.keys(RULE_FILES)) {
    const p = path.join(dir, file);
    if (existsSync(p)) texts[file] = readFileSync(p, 'utf8');
  }
  return parseRuleFiles(texts);
}

/** waf.yaml alone, validated and compiled (replay, test and explain do not need the other files). */
export function loadCompiled(dir: string, now?: Date): { rules: WafRules; waf: CompiledWaf } {
  const p = path.join(dir, 'waf.yaml');
  if (!existsSync(p)) throw new RuleFileError([{ file: 'waf.yaml', path: '', message: `file is missing in ${dir}` }]);
  let data: unknown;
  try {
    data = parseYaml(readFileSync(p, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    throw new RuleFileError([{ file: 'waf.yaml', path: '', message: `YAML: ${(e as Error).message.split('\n')[0]}` }]);
  }
  const r = WafRulesSchema.safeParse(data);
  if (!r.success)
    throw new RuleFileError(
      r.error.issues.map((i) => ({ file: 'waf.yaml', path: i.path.join('.'), message: i.message })),
    );
  return { rules: r.data, waf: compileWaf(r.data, { now }) };
}

/** One recorded request, the format of ../shared/waf-dev-corpus and of `waf explain`. */
export interface RecordedRequest {
  id?: string;
  method: string;
  uri: string;
  headers?: Record<string, string>;
  body?: string | null;
}

/** Recorded request → engine input, with the body cut to the inspected size like the gateway does. */
export function toWafRequest(r: RecordedRequest, waf: CompiledWaf): { req: WafRequest; truncated: boolean } {
  const enc = r.body == null ? null : new TextEncoder().encode(r.body);
  const max = waf.body.max_inspected_bytes;
  const truncated = enc !== null && enc.length > max;
  return {
    req: {
      method: r.method ?? 'GET',
      url: r.uri ?? '/',
      headers: r.headers ?? {},
      body: enc && truncated ? enc.subarray(0, max) : enc,
    },
    truncated,
  };
}

export function listYaml(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
        .sort()
    : [];
}
