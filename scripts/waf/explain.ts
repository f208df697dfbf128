import { readFileSync } from 'node:fs';
import { inspect } from '../../gateway/src/waf/engine.ts';
import { loadCompiled, toWafRequest, type RecordedRequest } from './load.ts';

/**
 * `waf explain FILE|-`: one request (`{"method","uri","headers","body"}`) → the normalized fields,
 * each match (with the rule's family, severity and score), excluded matches with the exclusion that
 * removed them, the score against the threshold and the decision. Shows values: it is a local tool
 * for the security team and never logs anywhere.
 */
export function explain(file: string, dir: string, out: (s: string) => void, err: (s: string) => void): number {
  const { waf } = loadCompiled(dir);
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  let r: RecordedRequest;
  try {
    r = JSON.parse(text) as RecordedRequest;
  } catch (e) {
    err(`not a JSON request: ${(e as Error).message}`);
    return 2;
  }
  const { req, truncated } = toWafRequest(r, waf);
  const x = inspect(req, waf, { truncated });
  const v = x.verdict;
  out(
    `${x.extracted.info.method} ${x.extracted.info.path}  route=${x.route.name}  mode=${v.mode}  body=${x.extracted.bodyKind}${truncated ? ' (prefix)' : ''}`,
  );
  out('\nfields (normalized):');
  for (const t of x.extracted.targets) {
    const val = t.value.length > 120 ? t.value.slice(0, 117) + '...' : t.value;
    out(`  ${t.kind.padEnd(11)} ${t.name.padEnd(28)} ${JSON.stringify(val)}`);
  }
  out('\nmatches:');
  if (!v.matches.length) out('  (none)');
  for (const m of v.matches) {
    const meta = waf.rules.get(m.ruleId)!;
    out(
      `  ${m.ruleId.padEnd(14)} ${meta.family}/${meta.severity} pl${meta.paranoia}  ${m.target.kind}:${m.target.name}  ${JSON.stringify(m.excerpt)}  — ${meta.description}`,
    );
  }
  if (x.excluded.length) {
    out('\nexcluded:');
    for (const m of x.excluded)
      out(`  ${m.ruleId.padEnd(14)} ${m.target.kind}:${m.target.name}  by exclusion ${m.exclusion}`);
  }
  out(
    `\nscore ${v.score} / threshold ${v.threshold} → would_block=${v.wouldBlock}  action=${v.action}  reason=${v.reason}${v.primaryRule ? `  primary=${v.primaryRule}` : ''}`,
  );
  return 0;
}
