/**
 * Dev harness: runs every detector over the dev corpus with rough target extraction and prints
 * detection / false-positive rates per family. `would_block` here = one critical match at the
 * chosen paranoia, or the summed score reaching 5 (CRS's default inbound threshold).
 * Usage: tsx scripts/waf-corpus-eval.ts [FILE.jsonl] [--paranoia N] [--misses FAMILY] [--fps FAMILY]
 */
import { readFileSync } from 'node:fs';
import { DETECTORS } from '../gateway/src/waf/detectors/registry.ts';
import { SEVERITY_SCORE, type Match, type Paranoia, type RuleMeta } from '../gateway/src/waf/types.ts';
import { extractTargets, type CorpusRequest } from './waf-dev-targets.ts';

const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && !(args[i - 1] ?? '').startsWith('--')) ?? '/work/shared/waf-dev-corpus/crs-pl1-pl2.jsonl';
const opt = (k: string) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
const paranoia = Number(opt('--paranoia') ?? 1) as Paranoia;
const missFam = opt('--misses');
const fpFam = opt('--fps');

const meta = new Map<string, RuleMeta>();
for (const d of DETECTORS) for (const r of d.rules) meta.set(r.id, r);

const stats = new Map<string, { atk: number; hit: number; neg: number; fp: number }>();
const ruleHits = new Map<string, number>();
const t0 = performance.now();
let n = 0;
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line) as CorpusRequest;
  n++;
  const headers = new Map(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const ctx = { paranoia, request: { method: r.method, path: r.uri.split('?')[0], host: headers.get('host') ?? null, contentType: headers.get('content-type') ?? null, contentLength: null, headers } };
  const matches: Match[] = [];
  for (const target of extractTargets(r)) {
    for (const d of DETECTORS) {
      if (d.targets && !d.targets.includes(target.kind)) continue;
      for (const m of d.detect(target, ctx)) {
        const rm = meta.get(m.ruleId);
        if (rm && rm.paranoia <= paranoia) matches.push(m);
      }
    }
  }
  const score = matches.reduce((s, m) => s + SEVERITY_SCORE[meta.get(m.ruleId)!.severity], 0);
  const block = matches.some((m) => meta.get(m.ruleId)!.severity === 'critical') || score >= 5;
  const fam = `${r.family ?? '?'}/pl${r.paranoia ?? '?'}`;
  const s = stats.get(fam) ?? { atk: 0, hit: 0, neg: 0, fp: 0 };
  if (r.expect === 'attack') { s.atk++; if (block) s.hit++; } else { s.neg++; if (block) s.fp++; }
  stats.set(fam, s);
  for (const id of new Set(matches.map((m) => m.ruleId))) ruleHits.set(id, (ruleHits.get(id) ?? 0) + 1);
  const show = (r.expect === 'attack' && !block && missFam && (missFam === 'all' || r.family === missFam) && (r.paranoia ?? 1) <= paranoia)
    || (r.expect !== 'attack' && block && fpFam && (fpFam === 'all' || r.family === fpFam));
  if (show) console.log(r.id, r.method, r.uri.slice(0, 140), '|H', JSON.stringify(Object.fromEntries([...headers].filter(([k]) => !['host', 'accept', 'accept-encoding', 'accept-language', 'connection', 'keep-alive', 'proxy-connection'].includes(k)))).slice(0, 160), '|B', (r.body ?? '').slice(0, 160).replace(/\n/g, '\\n'), '=>', matches.map((m) => `${m.ruleId}@${m.target.name}:${m.excerpt}`).join(' ; ').slice(0, 200));
}
const ms = performance.now() - t0;
let A = 0, H = 0, N = 0, F = 0, A1 = 0, H1 = 0, N1 = 0, F1 = 0;
console.log('family/pl          attacks  detected   rate | negatives  flagged  rate');
for (const [fam, s] of [...stats].sort()) {
  console.log(fam.padEnd(20), String(s.atk).padStart(6), String(s.hit).padStart(8), (s.atk ? (100 * s.hit / s.atk).toFixed(1) : '-').padStart(6) + '%', '|', String(s.neg).padStart(8), String(s.fp).padStart(8), (s.neg ? (100 * s.fp / s.neg).toFixed(1) : '-').padStart(6) + '%');
  A += s.atk; H += s.hit; N += s.neg; F += s.fp;
  if (fam.endsWith('pl1')) { A1 += s.atk; H1 += s.hit; N1 += s.neg; F1 += s.fp; }
}
console.log(`PL1 attacks: ${H1}/${A1} = ${(100 * H1 / A1).toFixed(1)}%  PL1 negatives flagged: ${F1}/${N1} = ${(100 * F1 / N1).toFixed(1)}%`);
console.log(`all attacks: ${H}/${A} = ${(100 * H / A).toFixed(1)}%  all negatives flagged: ${F}/${N} = ${(100 * F / N).toFixed(1)}%`);
console.log(`${n} requests in ${ms.toFixed(0)} ms`);
if (args.includes('--rules')) console.log([...ruleHits].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}:${v}`).join(' '));
