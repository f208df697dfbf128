import type { Detector, Match, RuleMeta } from '../../types.ts';
import { matchAt, readWord, skipSpaces } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_SSI_001',
    family: 'rce',
    severity: 'critical',
    paranoia: 1,
    description: 'Server-side include directive (<!--#exec, #include, #echo, #config, #printenv, #set …)',
  },
] as const satisfies readonly RuleMeta[];

/** Apache mod_include / nginx ssi / IIS directives: what follows `<!--#` to make the server act. */
const DIRECTIVES = new Set([
  'exec',
  'include',
  'echo',
  'config',
  'printenv',
  'set',
  'fsize',
  'flastmod',
  'if',
  'elif',
  'else',
  'endif',
  'block',
]);

/**
 * An SSI directive needs `<!--`, optional spaces, `#`, a directive name and then a space, `-` or the
 * end: anything else is an ordinary HTML comment (`<!-- #1 priority -->` reads `1`, not a directive).
 * Linear: each `<!--` is looked at once.
 */
export const ssiInjection = {
  name: 'ssi-injection',
  rules: RULES,
  detect(target) {
    const v = target.value;
    const found: Match[] = [];
    for (let k = v.indexOf('<!--'); k >= 0; k = v.indexOf('<!--', k + 4)) {
      const h = skipSpaces(v, k + 4);
      if (v[h] !== '#') continue;
      const word = readWord(v, h + 1).toLowerCase();
      const after = v[h + 1 + word.length];
      if (DIRECTIVES.has(word) && (after === undefined || after === ' ' || after === '-' || after === '\t')) {
        found.push(matchAt('WAF_SSI_001', target, k));
        break;
      }
    }
    return found;
  },
} satisfies Detector;
