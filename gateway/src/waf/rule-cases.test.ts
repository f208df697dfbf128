import { describe, expect, it } from 'vitest';
import goldenPaths from '../../rules/tests/golden-paths.yaml';
import contentTypes from '../../rules/tests/content-types.yaml';
import exclusions from '../../rules/tests/exclusions.yaml';
import { shippedRules } from '../../../test/support/gateway/waf.ts';
import { compiledWaf } from '../config/waf.ts';
import { runTestFiles } from './rule-tests.ts';

/**
 * The rule test cases next to the rule files (gateway/rules/tests/*.yaml), run inside workerd
 * against the bundled waf.yaml and the registered detectors. `npm run waf -- test` runs the same
 * cases from disk. A `pending` case must keep failing until its flag is removed.
 */
const FILES: Record<string, string> = {
  'golden-paths.yaml': goldenPaths,
  'content-types.yaml': contentTypes,
  'exclusions.yaml': exclusions,
};

describe('rule test cases (bundled rules, real detectors)', () => {
  const results = runTestFiles(FILES, compiledWaf(shippedRules()));
  for (const r of results) {
    it(`${r.file}: ${r.name}${r.pending ? ` (pending: ${r.pending})` : ''}`, () => {
      if (r.pending) expect(r.ok, 'passes now: remove its pending flag').toBe(false);
      else expect(r.problems, JSON.stringify(r.got)).toEqual([]);
    });
  }
});
