import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCompiled, loadRuleSet } from './load.ts';
import { accessRuleWarnings } from '../../gateway/src/config/schema/access.ts';
import { parseCrawlerRanges } from '../../gateway/src/config/schema/crawler-ranges.ts';

/**
 * `waf lint`: validates every rule file (parseRuleFiles), compiles waf.yaml against the registered
 * rules, and warns about expired entries and exclusions that can select nothing.
 */
export function lint(dir: string, out: (s: string) => void, err: (s: string) => void): number {
  const all = loadRuleSet(dir);
  const { rules: wafRules, waf } = loadCompiled(dir);
  const rules = { 'waf.yaml': wafRules };
  const warnings = [...waf.warnings];
  for (const e of rules['waf.yaml'].exclusions) {
    const hits = e.remove.filter((ref) => [...waf.rules.values()].some((r) => r.id === ref || r.family === ref));
    if (!hits.length)
      warnings.push(`exclusions ${e.id}: removes nothing (no enabled rule matches ${e.remove.join(', ')})`);
    const routes = e.routes ?? [];
    if (routes.length && e.methods) {
      const sel = routes.flatMap((r) => e.methods!.map((m) => ({ r, m })));
      const none = sel.every(({ r, m }) => {
        const p = waf.route(r.replace(/\*\*?/g, 'x'));
        return !p.allowedMethods.has(m);
      });
      if (none)
        warnings.push(
          `exclusions ${e.id}: its routes do not allow methods ${e.methods.join(', ')}; it selects nothing`,
        );
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
