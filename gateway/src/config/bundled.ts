import { parseRuleFiles, type RuleSet } from './schema/index.ts';
// Bundled as text modules (wrangler.toml [[rules]] type = "Text").
import waf from '../../rules/waf.yaml';
import access from '../../rules/access.yaml';
import limits from '../../rules/limits.yaml';

/** The rule files shipped with this build, validated once per isolate (throws on an invalid file). */
export function bundledRules(): RuleSet {
  return parseRuleFiles({ 'waf.yaml': waf, 'access.yaml': access, 'limits.yaml': limits });
}
