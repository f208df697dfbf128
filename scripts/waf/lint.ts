import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCompiled, loadRuleSet } from './load.ts';
import { accessRuleWarnings } from '../../gateway/src/config/schema/access.ts';
import { RuleFileError } from '../../gateway/src/config/schema/index.ts';
import {
  OVERLAY_FILE,
  parseOverlay,
  productionProblems,
  withOverlay,
} from '../../gateway/src/config/schema/overlay.ts';
import { parseCrawlerRanges } from '../../gateway/src/config/schema/crawler-ranges.ts';

/**
 * `waf lint`: validates every rule file (parseRuleFiles), compiles waf.yaml against the registered
 * rules, and warns about expired entries and exclusions that can select nothing.
 */
export function lint(dir: string, out: (s: string) => void, err: (s: string) => void): number {
  const all = loadRuleSet(dir);
  // The rule files are the production bundle: development entries there fail lint (issue 14, finding 10).
  const production = productionProblems(all);
  if (production.length) throw new RuleFileError(production);
  // The development overlay must be valid and merge cleanly into them.
  const overlay = path.join(dir, OVERLAY_FILE);
  if (existsSync(overlay)) withOverlay(all, parseOverlay(readFileSync(overlay, 'utf8')));
  const { waf } = loadCompiled(dir);
  const warnings = [...waf.warnings];
  for (const e of waf.exclusions) {
    const removes = (r: { id: string; family: string }) =>
      e.fields.some((f) => f.ruleIds.has(r.id) || f.families.has(r.family));
    if (![...waf.rules.values()].some(removes))
      warnings.push(`exclusions ${e.id}: removes nothing (no enabled rule matches ${e.source.remove?.join(', ')})`);
    const methods = e.source.methods;
    if (methods) {
      const none = e.source.routes.every((r) => {
        const p = waf.route(r.replace(/\*\*?/g, 'x'));
        return methods.every((m) => !p.allowedMethods.has(m));
      });
      if (none)
        warnings.push(`exclusions ${e.id}: its routes do not allow methods ${methods.join(', ')}; it selects nothing`);
    }
  }
  // access.yaml: expired or expiring allowlist entries, crawlers that can never be verified.
  for (const w of accessRuleWarnings(all['access.yaml'])) warnings.push(`access.yaml ${w.path}: ${w.message}`);
  // The crawler ranges data file is bundled too: a wrong shape must fail lint like a rule file.
  const crawlers = path.join(dir, 'crawlers.json');
  if (existsSync(crawlers)) parseCrawlerRanges(JSON.parse(readFileSync(crawlers, 'utf8')), 'crawlers.json');
  for (const w of warnings) err(`warning: ${w}`);
  out(
    `ok: ${Object.keys(all).length} rule files valid; waf.yaml: ${waf.rules.size} rules, ${waf.exclusions.length} active exclusions, ${warnings.length} warnings`,
  );
  return 0;
}
