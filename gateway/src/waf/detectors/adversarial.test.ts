import { describe, expect, it } from 'vitest';
import { normalizeValue } from '../normalizers/index.ts';
import { valueViews } from '../views.ts';
import type { DetectContext, TargetKind } from '../types.ts';
import { DETECTORS } from './registry.ts';

/**
 * Linear-work proof by test: every detector and the normalizer chain get hostile inputs of the
 * maximum inspected size (1 MB) built to trigger their scanners over and over — repeated quotes,
 * tags, separators, openers, escapes. Each detector must finish the whole set within the generous
 * test timeout; a quadratic scan over 1 MB would take many minutes. No backtracking regex is
 * reachable from these paths (the only native patterns are single character classes).
 */
const MB = 1 << 20;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
const HOSTILE: Record<string, string> = {
  mixed: fill("<svg/onload=';cat /etc/passwd|${jndi:x}{{7*7}}../%25&#x3c;\\u003c)(uid=*"),
  quotes: fill('\'"`'),
  tags: fill('<a '),
  separators: fill(';ls '),
  dollars: fill('${'),
  comments: fill('/*'),
  parens: fill(')('),
  traversal: fill('../'),
  letters: fill('a'),
  newlines: fill('\r\n'),
  percent: fill('%25'),
};
const CTX: DetectContext = {
  paranoia: 4,
  request: { method: 'POST', path: '/', host: 'x', contentType: null, contentLength: null, headers: new Map() },
};
const KINDS: TargetKind[] = ['query', 'path'];

describe('adversarial 1 MB inputs finish (work stays linear) and never throw', () => {
  it('normalizeValue', () => {
    for (const [name, v] of Object.entries(HOSTILE))
      expect(normalizeValue(v).length, name).toBeLessThanOrEqual(v.length);
  }, 120_000);

  for (const d of DETECTORS) {
    it(d.name, () => {
      for (const [name, v] of Object.entries(HOSTILE)) {
        for (const kind of KINDS) {
          const out = d.detect({ kind, name: 'user-agent', raw: v, value: v }, valueViews(v), CTX);
          expect(Array.isArray(out), `${name}/${kind}`).toBe(true);
        }
      }
    }, 120_000);
  }
});
