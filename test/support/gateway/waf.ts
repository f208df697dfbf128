/**
 * Test support for the WAF: a probe detector with fixed rules (so engine tests do not depend on
 * the real detectors' tuning) and a rules builder over the shipped waf.yaml.
 */
import { parse as parseYaml } from 'yaml';
import wafYaml from '../../../gateway/rules/waf.yaml';
import { WafRulesSchema, type WafRules } from '../../../gateway/src/config/schema/waf.ts';
import { compileWaf, type CompiledWaf } from '../../../gateway/src/config/waf.ts';
import type { Detector, Match, RuleMeta, Target } from '../../../gateway/src/waf/types.ts';

const PROBE_RULES = [
  { id: 'WAF_TEST_001', family: 'sqli', severity: 'critical', paranoia: 1, description: 'probe: PROBE_SQLI' },
  { id: 'WAF_TEST_002', family: 'xss', severity: 'critical', paranoia: 1, description: 'probe: PROBE_XSS' },
  { id: 'WAF_TEST_003', family: 'rce', severity: 'warning', paranoia: 1, description: 'probe: PROBE_WARN' },
  { id: 'WAF_TEST_004', family: 'rce', severity: 'notice', paranoia: 1, description: 'probe: PROBE_NOTICE' },
  { id: 'WAF_TEST_005', family: 'lfi', severity: 'critical', paranoia: 2, description: 'probe: PROBE_PL2' },
  { id: 'WAF_TEST_006', family: 'rce', severity: 'error', paranoia: 1, description: 'probe: PROBE_ERROR' },
] as const satisfies readonly RuleMeta[];

const TOKENS: [string, string][] = [
  ['PROBE_SQLI', 'WAF_TEST_001'],
  ['PROBE_XSS', 'WAF_TEST_002'],
  ['PROBE_WARN', 'WAF_TEST_003'],
  ['PROBE_NOTICE', 'WAF_TEST_004'],
  ['PROBE_PL2', 'WAF_TEST_005'],
  ['PROBE_ERROR', 'WAF_TEST_006'],
];

/** Flags each PROBE_* token in any target's normalized value, once per token. */
export const probeDetector = {
  name: 'probe',
  rules: PROBE_RULES,
  detect(t: Target): Match[] {
    const out: Match[] = [];
    for (const [tok, id] of TOKENS) {
      const at = t.value.indexOf(tok);
      if (at >= 0) out.push({ ruleId: id, target: t, excerpt: t.value.slice(Math.max(0, at - 10), at + 30) });
    }
    return out;
  },
} satisfies Detector;

/** The shipped waf.yaml as data. */
export function shippedRules(): WafRules {
  return WafRulesSchema.parse(parseYaml(wafYaml));
}

/** Shipped rules with top-level fields replaced, validated like the real file. */
export function rulesWith(patch: Partial<Record<keyof WafRules, unknown>>): WafRules {
  const base = parseYaml(wafYaml) as Record<string, unknown>;
  return WafRulesSchema.parse({ ...base, ...patch });
}

/** Compiled with the probe detector only. */
export function probeWaf(rules: WafRules = shippedRules(), now?: Date): CompiledWaf {
  return compileWaf(rules, { detectors: [probeDetector], now });
}

/** A request for `inspect`: JSON bodies serialized with their content type, a host set. */
export function req(
  method: string,
  url: string,
  opts: { json?: unknown; body?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { host: 'gatehouse.test', ...opts.headers };
  let body: string | null = opts.body ?? null;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] ??= 'application/json';
  }
  return { method, url, headers, body };
}
