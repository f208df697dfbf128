/**
 * Builds the WAF evaluation corpus (test/fixtures/waf-eval/) from the hand-written payloads and texts
 * beside this file. The output is frozen: it is committed and judged on, never tuned against; this
 * script exists so that anyone can see how each line was made. Usage: tsx scripts/waf/eval-corpus/build.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { PAYLOADS } from './attack-payloads.ts';
import { placeAttack } from './place-attack.ts';
import { benignRequests } from './place-benign.ts';
import type { EvalLine } from './request.ts';

const OUT = 'test/fixtures/waf-eval';

function attacks(which: 'eval' | 'dev'): EvalLine[] {
  const lines: EvalLine[] = [];
  for (const set of PAYLOADS) {
    set[which].forEach((p, i) => {
      for (const placement of set.placements) {
        const req = placeAttack(set.family, p, placement, i);
        if (!req) continue;
        const id = `${which}-${set.family}-${i + 1}-${placement}`;
        lines.push({ id, family: set.family, placement, paranoia: 1, expect: 'attack', ...req });
      }
    });
  }
  return lines;
}

const toJsonl = (xs: readonly object[]) => `${xs.map((x) => JSON.stringify(x)).join('\n')}\n`;

mkdirSync(OUT, { recursive: true });
const benign = benignRequests().map(
  (b, i): EvalLine => ({ ...b, id: `benign-${b.family}-${i + 1}`, paranoia: 1, expect: 'benign' }),
);
// Every 10th benign request is the dev slice; the rest is judged on.
const devBenign = benign.filter((_, i) => i % 10 === 0);
const evalBenign = benign.filter((_, i) => i % 10 !== 0);
writeFileSync(`${OUT}/attacks.jsonl`, toJsonl(attacks('eval')));
writeFileSync(`${OUT}/benign.jsonl`, toJsonl(evalBenign));
writeFileSync(`${OUT}/dev.jsonl`, toJsonl([...attacks('dev'), ...devBenign]));
console.log(
  `attacks ${attacks('eval').length}, benign ${evalBenign.length}, dev ${attacks('dev').length + devBenign.length}`,
);
