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
