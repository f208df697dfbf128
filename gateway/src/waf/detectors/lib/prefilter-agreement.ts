import { bypassPrefilters } from '../../normalizers/index.ts';
import type { DetectContext, Detector, Target } from '../../types.ts';

/**
 * Test support: the rule ids a detector reports on its fast path (prefilters on) and on its full
 * path (`bypassPrefilters(true)`: every character reported present), and whether a difference is
 * the one intended narrowing: plain prose (letters, sentence punctuation, English apostrophes) is
 * not lexed as SQL, so a system-object name inside it (`… and tempdb was …`) is not WAF_SQLI_008.
 */
export function pathsDisagree(d: Detector, t: Target, ctx: DetectContext): string | null {
  const fast = d.detect(t, ctx).map((m) => m.ruleId).sort();
  bypassPrefilters(true);
  let full: string[];
  try { full = d.detect(t, ctx).map((m) => m.ruleId).sort(); } finally { bypassPrefilters(false); }
  if (fast.join() === full.join()) return null;
  const extra = full.filter((r) => !fast.includes(r));
  const intended = d.name === 'sql-injection' && fast.every((r) => full.includes(r)) && extra.every((r) => r === 'WAF_SQLI_008') && /^[\w\s.,!?']*$/.test(t.value);
  return intended ? null : `fast [${fast}] full [${full}]`;
}
