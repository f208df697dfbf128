/**
 * Detection and false-positive rates over a labelled corpus (the format of ../shared/waf-dev-corpus:
 * `family`, `paranoia`, `expect: attack|benign|negative`). Detection counts the engine's
 * `would_block` on attacks; a false positive is `would_block` on a benign/negative request.
 */
export interface Labelled {
  family?: string;
  paranoia?: number;
  expect?: string;
  /** Where the payload sits (query, json, form, path, user-agent, cookie, header): the eval corpus labels it. */
  placement?: string;
}

export interface Rates {
  /** family → paranoia-1 attacks caught / total. */
  pl1: Record<string, { caught: number; total: number }>;
  pl2: { caught: number; total: number };
  overallPl1: { caught: number; total: number };
  negatives: { flagged: number; total: number };
  negativesByFamily: Record<string, { flagged: number; total: number }>;
  /** placement → paranoia-1 attacks caught / total (labelled lines only). */
  byPlacement: Record<string, { caught: number; total: number }>;
  negativesByPlacement: Record<string, { flagged: number; total: number }>;
}

export function emptyRates(): Rates {
  return {
    pl1: {},
    pl2: { caught: 0, total: 0 },
    overallPl1: { caught: 0, total: 0 },
    negatives: { flagged: 0, total: 0 },
    negativesByFamily: {},
    byPlacement: {},
    negativesByPlacement: {},
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
      const p = l.placement ? (r.byPlacement[l.placement] ??= { caught: 0, total: 0 }) : null;
      if (p) p.total++;
      if (wouldBlock) {
        f.caught++;
        r.overallPl1.caught++;
        if (p) p.caught++;
      }
    } else {
      r.pl2.total++;
      if (wouldBlock) r.pl2.caught++;
    }
  } else {
    const f = (r.negativesByFamily[l.family] ??= { flagged: 0, total: 0 });
    f.total++;
    r.negatives.total++;
    const p = l.placement ? (r.negativesByPlacement[l.placement] ??= { flagged: 0, total: 0 }) : null;
    if (p) p.total++;
    if (wouldBlock) {
      if (p) p.flagged++;
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
    lines.push(`  ${fam.padEnd(20)} ${pct(v.caught, v.total).padStart(6)}  (${v.caught}/${v.total})`);
  lines.push(
    `  ${'overall PL1'.padEnd(20)} ${pct(r.overallPl1.caught, r.overallPl1.total).padStart(6)}  (${r.overallPl1.caught}/${r.overallPl1.total})`,
  );
  lines.push(
    `  ${'PL2 attacks'.padEnd(20)} ${pct(r.pl2.caught, r.pl2.total).padStart(6)}  (${r.pl2.caught}/${r.pl2.total})`,
  );
  lines.push(
    `false positives (would_block on negatives): ${pct(r.negatives.flagged, r.negatives.total)} (${r.negatives.flagged}/${r.negatives.total})`,
  );
  const labelled = Object.keys(r.byPlacement).length > 0 || Object.keys(r.negativesByPlacement).length > 0;
  // Unlabelled corpora (the dev corpus) list only the families with a false positive; a labelled
  // evaluation corpus lists every family and placement, so a zero is visible too.
  for (const [fam, v] of Object.entries(r.negativesByFamily).sort())
    if (v.flagged || labelled)
      lines.push(`  ${fam.padEnd(20)} ${pct(v.flagged, v.total).padStart(6)}  (${v.flagged}/${v.total})`);
  if (!labelled) return lines;
  lines.push('detection by placement:');
  for (const [pl, v] of Object.entries(r.byPlacement).sort())
    lines.push(`  ${pl.padEnd(20)} ${pct(v.caught, v.total).padStart(6)}  (${v.caught}/${v.total})`);
  lines.push('false positives by placement:');
  for (const [pl, v] of Object.entries(r.negativesByPlacement).sort())
    lines.push(`  ${pl.padEnd(20)} ${pct(v.flagged, v.total).padStart(6)}  (${v.flagged}/${v.total})`);
  return lines;
}

/** @internal exported for its tests */
export const rate = (v: { caught: number; total: number }) => (v.total ? v.caught / v.total : 0);
