import { describe, expect, it } from 'vitest';
import benign from '../../../../test/fixtures/waf/benign-marketplace.json';
import crlf from '../../../../test/fixtures/waf/detectors/crlf-injection.json';
import java from '../../../../test/fixtures/waf/detectors/java-injection.json';
import jsi from '../../../../test/fixtures/waf/detectors/js-injection.json';
import ldap from '../../../../test/fixtures/waf/detectors/ldap-injection.json';
import mailCmd from '../../../../test/fixtures/waf/detectors/mail-command-injection.json';
import mail from '../../../../test/fixtures/waf/detectors/mail-header-injection.json';
import nosql from '../../../../test/fixtures/waf/detectors/nosql-injection.json';
import redirect from '../../../../test/fixtures/waf/detectors/open-redirect.json';
import rce from '../../../../test/fixtures/waf/detectors/os-command-injection.json';
import lfi from '../../../../test/fixtures/waf/detectors/path-traversal.json';
import php from '../../../../test/fixtures/waf/detectors/php-injection.json';
import proto from '../../../../test/fixtures/waf/detectors/prototype-pollution.json';
import scanner from '../../../../test/fixtures/waf/detectors/scanner-user-agent.json';
import session from '../../../../test/fixtures/waf/detectors/session-fixation.json';
import sqli from '../../../../test/fixtures/waf/detectors/sql-injection.json';
import ssi from '../../../../test/fixtures/waf/detectors/ssi-injection.json';
import ssrf from '../../../../test/fixtures/waf/detectors/ssrf-rfi.json';
import ssti from '../../../../test/fixtures/waf/detectors/template-injection.json';
import xss from '../../../../test/fixtures/waf/detectors/xss.json';
import xxe from '../../../../test/fixtures/waf/detectors/xxe.json';
import { normalizeValue } from '../normalizers/index.ts';
import type { DetectContext, Detector, Target, TargetKind, ValueViews } from '../types.ts';
import { HIGH, valueViews } from '../views.ts';
import { DETECTORS } from './registry.ts';

/**
 * The detectors skip work on values that lack what an attack needs (a presence table of ASCII
 * characters plus shape facts: a dot inside a name, a quote that is not an English apostrophe).
 * These tests pin that skipping hides nothing: given views whose presence table reports every
 * character and shape fact present (`fullPathViews`), each detector takes its full path, and both
 * paths must agree on every fixture, alone and surrounded by prose (sentence dots, commas,
 * possessive apostrophes). The one intended narrowing is documented in `pathsDisagree`.
 */
interface Case {
  input: string;
  kind?: TargetKind;
  name?: string;
  referer?: string;
  expect: string[];
}

const FIXTURES: Case[] = [
  sqli,
  xss,
  rce,
  lfi,
  ssrf,
  php,
  java,
  jsi,
  ssti,
  nosql,
  proto,
  crlf,
  ldap,
  xxe,
  mail,
  mailCmd,
  ssi,
  redirect,
  session,
  scanner,
  benign,
].flat() as Case[];

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

const PROSE = " My mother's library was small, and we didn't have much. I learned there, and it's why I'm here.";

/** Every entry set (the 128 ASCII codes and every shape fact): each presence prefilter passes. */
const ALL_PRESENT = new Uint8Array(HIGH + 1).fill(1);

/** The value's real views, except that the presence table reports everything present. */
function fullPathViews(value: string): ValueViews {
  const real = valueViews(value);
  return { lower: real.lower, collapsed: real.collapsed, compact: real.compact, has: ALL_PRESENT };
}

/**
 * The rule ids a detector reports on its fast path (the value's own views) and on its full path
 * (`fullPathViews`: every character reported present), and whether a difference is the one
 * intended narrowing: plain prose (letters, sentence punctuation, English apostrophes) is not
 * lexed as SQL, so a system-object name inside it (`… and tempdb was …`) is not WAF_SQLI_008.
 */
function pathsDisagree(d: Detector, t: Target, ctx: DetectContext): string | null {
  const ids = (views: ValueViews) =>
    d
      .detect(t, views, ctx)
      .map((m) => m.ruleId)
      .sort();
  const fast = ids(valueViews(t.value));
  const full = ids(fullPathViews(t.value));
  if (fast.join() === full.join()) return null;
  const extra = full.filter((r) => !fast.includes(r));
  const intended =
    d.name === 'sql-injection' &&
    fast.every((r) => full.includes(r)) &&
    extra.every((r) => r === 'WAF_SQLI_008') &&
    /^[\w\s.,!?']*$/.test(t.value);
  return intended ? null : `fast [${fast}] full [${full}]`;
}

function target(input: string, c: Case): Target {
  return { kind: c.kind ?? 'query', name: c.name ?? 'q', raw: input, value: normalizeValue(input) };
}

describe('prefilters: the fast path and the full path agree', () => {
  for (const d of DETECTORS) {
    it(d.name, () => {
      const diffs: string[] = [];
      for (const c of FIXTURES) {
        if (d.targets && !d.targets.includes(c.kind ?? 'query')) continue;
        const ctx = c.referer
          ? { ...CTX, request: { ...CTX.request, headers: new Map([['referer', c.referer]]) } }
          : CTX;
        for (const input of [c.input, c.input + PROSE, PROSE + c.input, PROSE + ' ' + c.input + PROSE]) {
          const diff = pathsDisagree(d, target(input, c), ctx);
          if (diff) diffs.push(`${JSON.stringify(input).slice(0, 80)}: ${diff}`);
        }
      }
      expect(diffs).toEqual([]);
    });
  }
});
