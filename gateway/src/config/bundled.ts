import { parseRuleFiles, RuleFileError, type RuleSet } from './schema/index.ts';
import { parseOverlay, productionProblems, withOverlay } from './schema/overlay.ts';
// Bundled as text modules (wrangler.toml [[rules]] type = "Text").
import waf from '../../rules/waf.yaml';
import access from '../../rules/access.yaml';
import limits from '../../rules/limits.yaml';
import development from '../../rules/development.yaml';

/**
 * The rule files shipped with this build, validated once per isolate (throws on an invalid file).
 * `production` (the default) refuses rule files that carry development-only entries (loopback CORS
 * origins); `development` merges the development overlay (gateway/rules/development.yaml).
 */
export function bundledRules(mode: 'production' | 'development' = 'production'): RuleSet {
  const rules = parseRuleFiles({ 'waf.yaml': waf, 'access.yaml': access, 'limits.yaml': limits });
  if (mode === 'development') return withOverlay(rules, parseOverlay(development));
  const problems = productionProblems(rules);
  if (problems.length) throw new RuleFileError(problems);
  return rules;
}
