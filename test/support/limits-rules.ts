import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * A temporary rules directory (GATEWAY_RULES_DIR) holding `source`'s limits.yaml with each policy's
 * Redis timeout replaced by `timeout(old)`. The caller removes the directory.
 */
export function limitsWithTimeouts(source: string, timeout: (ms: number | undefined) => number | undefined): string {
  const doc = parse(readFileSync(source, 'utf8')) as { policies: { timeout_ms?: number }[] };
  for (const p of doc.policies) {
    const ms = timeout(p.timeout_ms);
    if (ms !== undefined) p.timeout_ms = ms;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-limits-'));
  writeFileSync(path.join(dir, 'limits.yaml'), stringify(doc));
  return dir;
}
