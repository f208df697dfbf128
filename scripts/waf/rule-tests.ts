import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runTestFiles } from '../../gateway/src/waf/rule-tests.ts';
import { listYaml, loadCompiled } from './load.ts';

/**
 * `waf test`: runs DIR/tests/*.yaml against DIR's rules. Fails on any failing case; `pending`
 * cases (with their reason) are reported and do not fail until they pass, then they must lose the flag.
 */
export function runRuleTests(dir: string, out: (s: string) => void, err: (s: string) => void): number {
  const { waf } = loadCompiled(dir);
  const testDir = path.join(dir, 'tests');
  const files = listYaml(testDir);
  if (!files.length) {
    err(`no test files in ${testDir}`);
    return 1;
  }
  const results = runTestFiles(
    Object.fromEntries(files.map((f) => [f, readFileSync(path.join(testDir, f), 'utf8')])),
    waf,
  );
  let failed = 0,
    pending = 0;
  for (const r of results) {
    const got = `${r.got.action} score ${r.got.score}${r.got.rules.length ? ` [${r.got.rules.join(', ')}]` : ''}`;
    if (r.pending) {
      if (r.ok) {
        failed++;
        err(`FAIL ${r.file}: ${r.name}: passes now; remove its pending flag`);
      } else {
        pending++;
        out(`pend ${r.file}: ${r.name} (${r.pending}) — ${r.problems.join('; ')}`);
      }
    } else if (r.ok) out(`ok   ${r.file}: ${r.name} — ${got}`);
    else {
      failed++;
      err(`FAIL ${r.file}: ${r.name} — ${r.problems.join('; ')} (got ${got})`);
    }
  }
  out(`${results.length} cases: ${results.length - failed - pending} passed, ${failed} failed, ${pending} pending`);
  return failed ? 1 : 0;
}
