import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../gateway/src/waf/detectors/registry.ts';

/** docs/rules/detectors.md must list every rule id the detectors can emit, with its metadata. */
describe('docs/rules/detectors.md', () => {
  const doc = readFileSync(new URL('../docs/rules/detectors.md', import.meta.url), 'utf8');
  for (const d of DETECTORS) {
    for (const r of d.rules) {
      it(`documents ${r.id}`, () => {
        const row = doc.split('\n').find((l) => l.startsWith(`| \`${r.id}\` |`));
        expect(row, `${r.id} row`).toBeDefined();
        const cells = row!.split(' | ');
        expect(cells[1]).toBe(r.family);
        expect(cells[2]).toBe(r.severity);
        expect(cells[3]).toBe(String(r.paranoia));
      });
    }
  }
});
