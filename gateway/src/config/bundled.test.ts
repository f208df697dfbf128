import { describe, expect, it } from 'vitest';
import { bundledRules } from './bundled.ts';
import { parseRuleFiles, RuleFileError } from './schema/index.ts';

describe('bundled rule files', () => {
  it('parse and validate inside workerd', () => {
    expect(Object.keys(bundledRules()).sort()).toEqual(['access.yaml', 'limits.yaml', 'waf.yaml']);
  });
  it('an invalid file fails with the file named', () => {
    expect(() =>
      parseRuleFiles({ 'waf.yaml': 'version: 2', 'access.yaml': 'version: 1', 'limits.yaml': 'version: 1' }),
    ).toThrow(RuleFileError);
    try {
      parseRuleFiles({ 'waf.yaml': 'version: [', 'access.yaml': 'version: 1' });
    } catch (e) {
      expect((e as Error).message).toMatch(/waf\.yaml: YAML/);
      expect((e as Error).message).toMatch(/limits\.yaml: file is missing/);
    }
  });
});
