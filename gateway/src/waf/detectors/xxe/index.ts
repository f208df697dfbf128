import type { Detector, Match, RuleMeta } from '../../types.ts';
import { hasAny } from '../../views.ts';
import { matchAt } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_XXE_001',
    family: 'xxe',
    severity: 'critical',
    paranoia: 1,
    description: 'XML external entity declaration (<!ENTITY x SYSTEM "…">, parameter entities)',
  },
  {
    id: 'WAF_XXE_002',
    family: 'xxe',
    severity: 'critical',
    paranoia: 1,
    description: 'XInclude or external DTD reference (xi:include, <!DOCTYPE x SYSTEM "http://…">)',
  },
] as const satisfies readonly RuleMeta[];

/**
 * XXE: entity declarations with SYSTEM/PUBLIC identifiers or parameter entities, external DTDs and
 * XInclude. Looks at the raw value too, since a whole XML body may reach us as one target.
 */
export const xxe = {
  name: 'xxe',
  rules: RULES,
  detect(target, views) {
    const v = target.value;
    // `!ENTITY` and `<!DOCTYPE` need `!`; `xi:include` and the XInclude namespace need `:` or `/`.
    if (!hasAny(views.has, '!:/')) return [];
    if (v.indexOf('<!') < 0 && v.indexOf('!ENTITY') < 0 && v.indexOf('!entity') < 0 && v.indexOf('include') < 0)
      return [];
    const s = views.collapsed;
    const found: Match[] = [];
    let k = s.indexOf('!entity');
    while (k >= 0) {
      const end = s.indexOf('>', k);
      const decl = s.slice(k, end < 0 ? Math.min(s.length, k + 512) : end);
      if (decl.includes(' system') || decl.includes(' public') || decl.startsWith('!entity %')) {
        found.push(matchAt('WAF_XXE_001', target, k));
        break;
      }
      k = s.indexOf('!entity', k + 7);
    }
    const d = s.indexOf('<!doctype');
    if (d >= 0) {
      const end = s.indexOf('>', d);
      const decl = s.slice(d, end < 0 ? Math.min(s.length, d + 512) : end);
      if ((decl.includes(' system') || decl.includes(' public')) && (decl.includes('://') || decl.includes('file:')))
        found.push(matchAt('WAF_XXE_002', target, d));
    }
    const x = s.indexOf('xi:include');
    if (x >= 0 || s.indexOf('w3.org/2001/xinclude') >= 0) found.push(matchAt('WAF_XXE_002', target, Math.max(0, x)));
    return found;
  },
} satisfies Detector;
