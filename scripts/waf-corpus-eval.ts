/**
 * Detector development aid: replays a labelled corpus through the real engine (gateway/rules) and
 * prints detection / false-positive rates per family and paranoia, plus the misses or false
 * positives of one family with the matches that fired. `npm run waf -- replay` is the product
 * command; this adds the per-request detail a detector author needs.
 * Usage: tsx scripts/waf-corpus-eval.ts [FILE.jsonl] [--rules DIR] [--misses FAMILY|all [--pl2]] [--fps FAMILY|all] [--top]
 */
import { readFileSync } from 'node:fs';
import { inspect } from '../gateway/src/waf/engine.ts';
import { loadCompiled, toWafRequest, type RecordedRequest } from './waf/load.ts';

const args = process.argv.slice(2);
const opt = (k: string) => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : undefined;
};
const file =
  args.find((a, i) => !a.startsWith('--') && !(args[i - 1] ?? '').startsWith('--')) ??
  '/work/shared/waf-dev-corpus/crs-pl1-pl2.jsonl';
const { waf } = loadCompiled(opt('--rules') ?? 'gateway/rules');
const missFam = opt('--misses');
const fpFam = opt('--fps');
/** --misses lists paranoia-1 attacks; with --pl2 the paranoia-2 ones too. */
const MISS_PL = args.includes('--pl2') ? 2 : 1;

type Row = RecordedRequest & { family?: string; paranoia?: number; expect?: string };
const stats = new Map<string, { atk: number; hit: number; neg: number; fp: number }>();
const ruleHits = new Map<string, number>();
const t0 = performance.now();
let n = 0;
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line) as Row;
  n++;
  const { req, truncated } = toWafRequest(r, waf);
  const { verdict } = inspect(req, waf, { truncated });
  const block = verdict.wouldBlock;
  const fam = `${r.family ?? '?'}/pl${r.paranoia ?? '?'}`;
  const s = stats.get(fam) ?? { atk: 0, hit: 0, neg: 0, fp: 0 };
  const attack = r.expect === 'attack';
  if (attack) {
    s.atk++;
    if (block) s.hit++;
  } else {
    s.neg++;
    if (block) s.fp++;
  }
  stats.set(fam, s);
  for (const id of new Set(verdict.matches.map((m) => m.ruleId))) ruleHits.set(id, (ruleHits.get(id) ?? 0) + 1);
  const show =
    (attack && !block && missFam && (missFam === 'all' || r.family === missFam) && (r.paranoia ?? 1) <= MISS_PL) ||
    (!attack && block && fpFam && (fpFam === 'all' || r.family === fpFam));
  if (show) {
    const hdr = Object.fromEntries(
      Object.entries(r.headers ?? {}).filter(
        ([k]) => !/^(host|accept.*|connection|keep-alive|proxy-connection|user-agent|content-length)$/i.test(k),
      ),
    );
    console.log(
      r.id,
      r.method,
      r.uri.slice(0, 140),
      '|H',
      JSON.stringify(hdr).slice(0, 160),
      '|B',
      (r.body ?? '').slice(0, 160).replace(/\n/g, '\\n'),
      `=> score ${verdict.score}/${verdict.threshold}`,
      verdict.matches
        .map((m) => `${m.ruleId}@${m.target.kind}:${m.target.name}:${m.excerpt}`)
        .join(' ; ')
        .slice(0, 240),
    );
  }
}
const ms = performance.now() - t0;
let A1 = 0,
  H1 = 0,
  N = 0,
  F = 0;
console.log('family/pl            attacks detected   rate | negatives flagged   rate');
for (const [fam, s] of [...stats].sort()) {
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) + '%' : '-');
  console.log(
    fam.padEnd(20),
    String(s.atk).padStart(7),
    String(s.hit).padStart(8),
    pct(s.hit, s.atk).padStart(7),
    '|',
    String(s.neg).padStart(8),
    String(s.fp).padStart(7),
    pct(s.fp, s.neg).padStart(7),
  );
  if (fam.endsWith('pl1')) {
    A1 += s.atk;
    H1 += s.hit;
  }
  N += s.neg;
  F += s.fp;
}
console.log(
  `PL1 attacks detected: ${H1}/${A1} = ${((100 * H1) / A1).toFixed(1)}%   negatives flagged: ${F}/${N} = ${((100 * F) / N).toFixed(1)}%`,
);
console.log(`${n} requests in ${ms.toFixed(0)} ms (${((1000 * ms) / n).toFixed(0)} µs/request)`);
if (args.includes('--top'))
  console.log(
    [...ruleHits]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}:${v}`)
      .join(' '),
  );
