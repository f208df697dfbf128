/**
 * Detection and false-positive rates over a labelled corpus (the format of ../shared/waf-dev-corpus:
 * `family`, `paranoia`, `expect: attack|benign|negative`). Detection counts the engine's
 * `would_block` on attacks; a false positive is `would_block` on a benign/negative request.
 */
export interface Labelled {
  family?: string;
  paranoia?: number;
  expect?: string;
}

export interface Rates {
  /** family → paranoia-1 attacks caught / total. */
  pl1: Record<string, { caught: number; total: number }>;
  pl2: { caught: number; total: number };
  overallPl1: { caught: number; total: number };
  negatives: { flagged: number; total: number };
  negativesByFamily: Record<string, { flagged: number; total: number }>;
}

export function emptyRates(): Rates {
  return {
    pl1: {},
    pl2: { caught: 0, total: 0 },
    overallPl1: { caught: 0, total: 0 },
    negatives: { flagged: 0, total: 0 },
    negativesByFamily: {},
  };
}

/** Adds one labelled request's verdict; unlabelled requests are ignored. */
export function addToRates(r: Rates, l: Labelled, wouldBlock: boolean): void {
  if (!l.expect || !l.family) return;
  if (l.expect === 'attack') {
    if (l.paranoia === 1) {
      const f = (r.pl1[l.family] ??= { caught: 0, total: 0 });
      f.total++;
      r.overallPl1.total++;
      if (wouldBlock) {
        f.caught++;
        r.overallPl1.caught++;
      }
    } else {
      r.pl2.total++;
      if (wouldBlock) r.pl2.caught++;
    }
  } else {
    const f = (r.negativesByFamily[l.family] ??= { flagged: 0, total: 0 });
    f.total++;
    r.negatives.total++;
    if (wouldBlock) {
      f.flagged++;
      r.negatives.flagged++;
    }
  }
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');

/** Human-readable lines for stderr and test output. */
export function formatRates(r: Rates): string[] {
  if (!r.overallPl1.total && !r.negatives.total) return [];
  const lines = ['detection at paranoia 1 (would_block on attacks):'];
  for (const [fam, v] of Object.entries(r.pl1).sort())
    lines.push(`  ${fam.padEnd(18)} ${pct(v.caught, v.total).padStart(6)}  (${v.caught}/${v.total})`);
  lines.push(
    `  ${'overall PL1'.padEnd(18)} ${pct(r.overallPl1.caught, r.overallPl1.total).padStart(6)}  (${r.overallPl1.caught}/${r.overallPl1.total})`,
  );
  lines.push(
    `  ${'PL2 attacks'.padEnd(18)} ${pct(r.pl2.caught, r.pl2.total).padStart(6)}  (${r.pl2.caught}/${r.pl2.total})`,
  );
  lines.push(
    `false positives (would_block on negatives): ${pct(r.negatives.flagged, r.negatives.total)} (${r.negatives.flagged}/${r.negatives.total})`,
  );
  for (const [fam, v] of Object.entries(r.negativesByFamily).sort())
    if (v.flagged) lines.push(`  ${fam.padEnd(18)} ${v.flagged}/${v.total}`);
  return lines;
}

export const rate = (v: { caught: number; total: number }) => (v.total ? v.caught / v.total : 0);
