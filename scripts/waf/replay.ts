import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { inspectRequest } from '../../gateway/src/waf/engine.ts';
import type { CompiledWaf } from '../../gateway/src/config/waf.ts';
import { toWafRequest, type RecordedRequest } from './load.ts';
import { addToRates, emptyRates, formatRates, type Labelled } from './corpus-rates.ts';

interface ReplayLine {
  id: string;
  would_block: boolean;
  action: 'block' | 'monitor' | 'allow';
  score: number;
  rules: string[];
}

/**
 * Replays one recorded request through the engine (the route's mode decides `action`).
 * @internal exported for its tests
 */
export function replayOne(r: RecordedRequest, waf: CompiledWaf, fallbackId: string): ReplayLine {
  const { req, truncated } = toWafRequest(r, waf);
  const v = inspectRequest(req, waf, { truncated });
  return {
    id: r.id ?? fallbackId,
    would_block: v.wouldBlock,
    action: v.action,
    score: v.score,
    rules: [...new Set(v.matches.map((m) => m.ruleId))],
  };
}

/**
 * `waf replay FILE.jsonl|-`: one JSON line per request on stdout, a summary (counts by action and
 * rule; detection and false-positive rates when lines carry corpus labels) on stderr. Unparseable lines are reported and counted, never fatal.
 */
export async function replay(
  file: string,
  waf: CompiledWaf,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const input = file === '-' ? process.stdin : createReadStream(file);
  const rl = createInterface({ input, crlfDelay: Infinity });
  const byAction = { block: 0, monitor: 0, allow: 0 };
  const byRule = new Map<string, number>();
  let n = 0,
    wouldBlock = 0,
    bad = 0;
  const t0 = performance.now();
  const buf: string[] = [];
  const rates = emptyRates();
  for await (const line of rl) {
    if (!line.trim()) continue;
    n++;
    let r: RecordedRequest;
    try {
      r = JSON.parse(line) as RecordedRequest;
    } catch {
      bad++;
      err(`line ${n}: not JSON`);
      continue;
    }
    const res = replayOne(r, waf, `line-${n}`);
    byAction[res.action]++;
    if (res.would_block) wouldBlock++;
    addToRates(rates, r as Labelled, res.would_block);
    for (const id of res.rules) byRule.set(id, (byRule.get(id) ?? 0) + 1);
    buf.push(JSON.stringify(res));
    if (buf.length >= 1000) {
      out(buf.join('\n'));
      buf.length = 0;
    }
  }
  if (buf.length) out(buf.join('\n'));
  const ms = performance.now() - t0;
  err(
    `replayed ${n} requests in ${ms.toFixed(0)} ms (${bad} unreadable): would_block ${wouldBlock}; block ${byAction.block}, monitor ${byAction.monitor}, allow ${byAction.allow}`,
  );
  for (const [id, c] of [...byRule].sort((a, b) => b[1] - a[1])) err(`  ${id.padEnd(16)} ${c}`);
  for (const l of formatRates(rates)) err(l);
  return bad > 0 ? 1 : 0;
}
