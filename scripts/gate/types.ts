/** The launch gate's vocabulary: a check is one measured condition, a line groups the checks of one area. */

export const LINES = ['access', 'monetization', 'performance', 'security', 'observability'] as const;
export type LineName = (typeof LINES)[number];

/**
 * `amber`: checked, but on a weaker setup than production (e.g. the in-memory limiter): a GO with a
 * warning. `unchecked`: could not be checked here (e.g. the restart scenario against a remote
 * target): a NO-GO unless accepted from a local report of the same commit.
 */
export type Verdict = 'pass' | 'fail' | 'amber' | 'unchecked';

export interface Check {
  name: string;
  verdict: Verdict;
  /** Numbers and facts a reader can verify: counts, percentiles, status codes. */
  evidence: string;
  requestIds?: string[];
  screenshots?: string[];
}

export interface LineResult {
  line: LineName;
  verdict: Verdict;
  checks: Check[];
  ms: number;
}

export interface GateReport {
  verdict: 'GO' | 'NO-GO';
  commit: string;
  target: string;
  startedAt: string;
  finishedAt: string;
  lines: LineResult[];
  notes: string[];
}

/** The worst verdict wins: fail > unchecked > amber > pass. */
export function worst(verdicts: Verdict[]): Verdict {
  for (const v of ['fail', 'unchecked', 'amber'] as const) if (verdicts.includes(v)) return v;
  return 'pass';
}

export function check(name: string, ok: boolean, evidence: string, extra: Partial<Check> = {}): Check {
  return { name, verdict: ok ? 'pass' : 'fail', evidence, ...extra };
}
