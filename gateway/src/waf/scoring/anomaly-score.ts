import { SEVERITY_SCORE, type Match, type RuleMeta, type Severity } from '../types.ts';

export interface Score {
  /** Sum of the scores of the distinct rules that matched (a rule counts once however many fields it hit). */
  score: number;
  /** Highest-scoring rule; ties go to the first match (request order: path, query, headers, body). */
  primaryRule: string | null;
  /** Most severe matched rule's severity, or null without matches. */
  topSeverity: Severity | null;
}

/**
 * CRS-style anomaly scoring: critical 5, error 4, warning 3, notice 2, per distinct rule.
 * @example scoreMatches([sqliMatch, xssMatch], meta) // { score: 10, primaryRule: 'WAF_SQLI_001', topSeverity: 'critical' }
 */
export function scoreMatches(matches: readonly Match[], meta: ReadonlyMap<string, RuleMeta>): Score {
  const seen = new Set<string>();
  let score = 0,
    best = -1,
    primaryRule: string | null = null,
    topSeverity: Severity | null = null;
  for (const m of matches) {
    if (seen.has(m.ruleId)) continue;
    seen.add(m.ruleId);
    const r = meta.get(m.ruleId);
    if (!r) continue;
    const s = SEVERITY_SCORE[r.severity];
    score += s;
    if (s > best) {
      best = s;
      primaryRule = r.id;
      topSeverity = r.severity;
    }
  }
  return { score, primaryRule, topSeverity };
}
