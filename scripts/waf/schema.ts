import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { RULE_FILES } from '../../gateway/src/config/schema/index.ts';
import { WafTestFileSchema } from '../../gateway/src/config/schema/waf-tests.ts';

/** The JSON Schema of each rule file, as editors (yaml-language-server) read it. */
export function ruleFileSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  const files: [string, z.ZodType][] = [...Object.entries(RULE_FILES), ['waf-tests.yaml', WafTestFileSchema]];
  for (const [file, schema] of files) {
    const json = z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' });
    out[file.replace(/\.yaml$/, '.schema.json')] =
      JSON.stringify(
        { ...json, title: file === 'waf-tests.yaml' ? 'gateway/rules/tests/*.yaml' : `gateway/rules/${file}` },
        null,
        2,
      ) + '\n';
  }
  return out;
}

/** `waf schema [--check]`: writes DIR/schema/*.schema.json, or exits 1 when they are stale. */
export function writeSchemas(dir: string, check: boolean, out: (s: string) => void, err: (s: string) => void): number {
  const target = path.join(dir, 'schema');
  let stale = 0;
  for (const [name, text] of Object.entries(ruleFileSchemas())) {
    const p = path.join(target, name);
    const current = existsSync(p) ? readFileSync(p, 'utf8') : null;
    if (current === text) continue;
    if (check) {
      err(`${p} is out of date: run npm run waf -- schema`);
      stale++;
      continue;
    }
    mkdirSync(target, { recursive: true });
    writeFileSync(p, text);
    out(`wrote ${p}`);
  }
  return stale ? 1 : 0;
}
