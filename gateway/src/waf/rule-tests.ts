import { parse as parseYaml } from 'yaml';
import { WafTestFileSchema, type WafTestCase } from '../config/schema/waf-tests.ts';
import type { CompiledWaf } from '../config/waf.ts';
import { inspectRequest } from './engine.ts';

export interface CaseResult {
  file: string;
  name: string;
  ok: boolean;
  pending: string | null;
  /** What went wrong, one line each (empty when ok). */
  problems: string[];
  got: { action: string; would_block: boolean; score: number; rules: string[] };
}

/** Parses one test file (throws with the file named when invalid). */
function parseTestFile(file: string, text: string): WafTestCase[] {
  let data: unknown;
  try {
    data = parseYaml(text, { uniqueKeys: true });
  } catch (e) {
    throw new Error(`${file}: YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = WafTestFileSchema.safeParse(data);
  if (!r.success)
    throw new Error(`${file}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data.cases;
}

/** Runs one case through the engine and compares with its expectation. */
function runCase(file: string, c: WafTestCase, waf: CompiledWaf): CaseResult {
  const headers: Record<string, string> = {
    host: 'gatehouse.test',
    ...Object.fromEntries(Object.entries(c.request.headers).map(([k, v]) => [k.toLowerCase(), v])),
  };
  let body: string | null = c.request.body ?? null;
  if (c.request.json !== undefined) {
    body = JSON.stringify(c.request.json);
    headers['content-type'] ??= 'application/json';
  }
  const v = inspectRequest({ method: c.request.method, url: c.request.uri, headers, body }, waf);
  const rules = [...new Set(v.matches.map((m) => m.ruleId))];
  const problems: string[] = [];
  const e = c.expect;
  if (e.action && e.action !== v.action) problems.push(`action ${v.action}, expected ${e.action}`);
  if (e.would_block !== undefined && e.would_block !== v.wouldBlock)
    problems.push(`would_block ${v.wouldBlock}, expected ${e.would_block}`);
  for (const r of e.rules ?? []) if (!rules.includes(r)) problems.push(`${r} did not match`);
  for (const r of e.not_rules ?? []) if (rules.includes(r)) problems.push(`${r} matched`);
  if (e.no_matches && rules.length) problems.push(`expected no matches, got ${rules.join(', ')}`);
  return {
    file,
    name: c.name,
    ok: problems.length === 0,
    pending: c.pending ?? null,
    problems,
    got: { action: v.action, would_block: v.wouldBlock, score: v.score, rules },
  };
}

/** Runs every case of every file; `texts` maps file name → YAML text. */
export function runTestFiles(texts: Record<string, string>, waf: CompiledWaf): CaseResult[] {
  return Object.entries(texts).flatMap(([file, text]) => parseTestFile(file, text).map((c) => runCase(file, c, waf)));
}
