import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../gateway/src/waf/detectors/registry.ts';
import { DOC, EXAMPLES, expectedDoc } from './waf/detectors-doc.ts';

/**
 * docs/rules/detectors.md: its Rules section is what `npm run waf -- docs` generates from the
 * registry, and every rule id is listed with its metadata and a benign example.
 */
describe('docs/rules/detectors.md', () => {
  const doc = readFileSync(DOC, 'utf8');
  const examples = JSON.parse(readFileSync(EXAMPLES, 'utf8')) as Record<string, string>;
  it('is up to date with the detector registry (npm run waf -- docs)', () => {
    expect(doc === expectedDoc(), 'docs/rules/detectors.md is stale: run npm run waf -- docs').toBe(true);
  });
  const ids = new Set(DETECTORS.flatMap((d) => d.rules.map((r) => r.id)));
  it('has no benign example for a rule that does not exist', () => {
    expect(Object.keys(examples).filter((id) => !ids.has(id))).toEqual([]);
  });
  for (const d of DETECTORS) {
    for (const r of d.rules) {
      it(`documents ${r.id} with a benign example`, () => {
        const row = doc.split('\n').find((l) => l.startsWith(`| \`${r.id}\` |`));
        expect(row, `${r.id} row`).toBeDefined();
        const cells = row!.split(' | ');
        expect(cells[1]).toBe(r.family);
        expect(cells[2]).toBe(r.severity);
        expect(cells[3]).toBe(String(r.paranoia));
        expect(examples[r.id], `${r.id}: add a benign example to ${EXAMPLES}`).toEqual(expect.any(String));
      });
    }
  }
});
