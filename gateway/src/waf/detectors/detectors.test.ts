import { describe, expect, it } from 'vitest';
import benign from '../../../../test/fixtures/waf/benign-marketplace.json';
import crlf from './crlf-injection/cases.json';
import java from './java-injection/cases.json';
import jsi from './js-injection/cases.json';
import ldap from './ldap-injection/cases.json';
import mailCmd from './mail-command-injection/cases.json';
import mail from './mail-header-injection/cases.json';
import nosql from './nosql-injection/cases.json';
import redirect from './open-redirect/cases.json';
import rce from './os-command-injection/cases.json';
import lfi from './path-traversal/cases.json';
import php from './php-injection/cases.json';
import proto from './prototype-pollution/cases.json';
import scanner from './scanner-user-agent/cases.json';
import session from './session-fixation/cases.json';
import sqli from './sql-injection/cases.json';
import ssi from './ssi-injection/cases.json';
import ssrf from './ssrf-rfi/cases.json';
import ssti from './template-injection/cases.json';
import xss from './xss/cases.json';
import xxe from './xxe/cases.json';
import { normalizeValue } from '../normalizers/index.ts';
import { valueViews } from '../views.ts';
import type { DetectContext, Target, TargetKind } from '../types.ts';
import { DETECTORS } from './registry.ts';

/**
 * Tests as data: each fixture case is `{input, kind?, name?, expect}`. The input is normalized with
 * the engine's default chain, then given to the detector as a Target. `expect: []` means the
 * detector must not match at all; otherwise every listed rule must match (others may too: one
 * payload often trips several rules of a family).
 */
interface Case {
  input: string;
  kind?: TargetKind;
  name?: string;
  referer?: string;
  expect: string[];
}

const FIXTURES: Record<string, Case[]> = {
  'sql-injection': sqli as Case[],
  xss: xss as Case[],
  'os-command-injection': rce as Case[],
  'path-traversal': lfi as Case[],
  'ssrf-rfi': ssrf as Case[],
  'php-injection': php as Case[],
  'java-injection': java as Case[],
  'js-injection': jsi as Case[],
  'template-injection': ssti as Case[],
  'nosql-injection': nosql as Case[],
  'prototype-pollution': proto as Case[],
  'crlf-injection': crlf as Case[],
  'ldap-injection': ldap as Case[],
  xxe: xxe as Case[],
  'mail-header-injection': mail as Case[],
  'mail-command-injection': mailCmd as Case[],
  'ssi-injection': ssi as Case[],
  'open-redirect': redirect as Case[],
  'scanner-user-agent': scanner as Case[],
  'session-fixation': session as Case[],
};

const CTX: DetectContext = {
  paranoia: 1,
  request: {
    method: 'POST',
    path: '/api/x',
    host: 'app.example',
    contentType: 'application/json',
    contentLength: null,
    headers: new Map(),
  },
};

function target(c: { input: string; kind?: TargetKind; name?: string }): Target {
  return { kind: c.kind ?? 'query', name: c.name ?? 'q', raw: c.input, value: normalizeValue(c.input) };
}

const PL1 = new Set(DETECTORS.flatMap((d) => d.rules.filter((r) => r.paranoia === 1).map((r) => r.id)));

describe('every detector has a fixture file with attacks and benign cases', () => {
  for (const d of DETECTORS) {
    it(d.name, () => {
      const cases = FIXTURES[d.name];
      expect(cases, `gateway/src/waf/detectors/${d.name}/cases.json`).toBeDefined();
      expect(cases.some((c) => c.expect.length > 0)).toBe(true);
      expect(cases.some((c) => c.expect.length === 0)).toBe(true);
      const covered = new Set(cases.flatMap((c) => c.expect));
      for (const r of d.rules) if (r.paranoia === 1) expect(covered.has(r.id), `${r.id} has an attack case`).toBe(true);
    });
  }
});

for (const d of DETECTORS) {
  describe(`detector ${d.name}`, () => {
    for (const c of FIXTURES[d.name] ?? []) {
      it(`${c.expect.length ? c.expect.join('+') : 'passes'} <- ${JSON.stringify(c.input).slice(0, 70)}`, () => {
        const ctx = c.referer
          ? { ...CTX, request: { ...CTX.request, headers: new Map([['referer', c.referer]]) } }
          : CTX;
        const t = target(c);
        const got = new Set(d.detect(t, valueViews(t.value), ctx).map((m) => m.ruleId));
        if (!c.expect.length) expect([...got]).toEqual([]);
        for (const id of c.expect) expect([...got], `expected ${id}`).toContain(id);
      });
    }
  });
}

describe('benign marketplace inputs match no paranoia-1 rule of any detector', () => {
  for (const c of benign as Array<{ input: string; kind: TargetKind; name: string }>) {
    it(`${c.kind} ${c.name}: ${JSON.stringify(c.input).slice(0, 60)}`, () => {
      const t = target(c);
      const views = valueViews(t.value);
      const hits = DETECTORS.filter((d) => !d.targets || d.targets.includes(t.kind))
        .flatMap((d) => d.detect(t, views, CTX))
        .filter((m) => PL1.has(m.ruleId));
      expect(hits.map((m) => `${m.ruleId}: ${m.excerpt}`)).toEqual([]);
    });
  }
});

describe('matches carry a short excerpt of the normalized value', () => {
  it('excerpt is a substring of target.value, at most 40 characters', () => {
    const t = target({ input: 'hello there; cat /etc/passwd and more text after it' });
    for (const d of DETECTORS)
      for (const m of d.detect(t, valueViews(t.value), CTX)) {
        expect(t.value.includes(m.excerpt)).toBe(true);
        expect(m.excerpt.length).toBeLessThanOrEqual(40);
        expect(m.target).toBe(t);
      }
  });
});
