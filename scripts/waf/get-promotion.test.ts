import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectRequest } from '../../gateway/src/waf/engine.ts';
import { loadCompiled } from './load.ts';

/**
 * GET blocking when tuned (issue 14; procedure in docs/rules/waf.md, "Promoting a route's GET to
 * block"): the launch keeps GET in monitor mode; once `waf replay` of a route's recorded GET traffic
 * shows no would-be block, a `routes` entry turns that route's GET to `block` for critical
 * signatures only. This runs the procedure on a copy of the shipped rules.
 */
const PROMOTION = `
  - match: [/api/search, /search]
    modes: { GET: block, HEAD: block }
    block_min_severity: critical
    reason: >-
      GET promoted to block critical signatures after waf replay of 7 days of recorded search traffic
      showed no would-be block (security ticket SEC-0000).
`;

/** Recorded legitimate search traffic (what the security team exports from the event log). */
const RECORDED = [
  '/api/search?q=nursing',
  "/api/search?q=O'Brien%20memorial%20scholarship",
  '/api/search?q=c%2B%2B%20programming&state=CA',
  '/api/search?q=women%20in%20STEM%20-%20first%20generation',
  '/search?q=select%20committee%20award',
  '/search?q=%22union%22%20scholarship',
  '/api/search?q=1%2F2%20tuition&min_amount=500',
].map((uri, i) => JSON.stringify({ id: `rec-${i}`, method: 'GET', uri, headers: { 'user-agent': 'Mozilla/5.0' } }));

const ATTACK = {
  method: 'GET',
  url: '/api/search?q=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E',
  headers: { 'user-agent': 'Mozilla/5.0' },
  body: null,
};

function promotedRules(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'waf-promote-'));
  cpSync('gateway/rules', dir, { recursive: true });
  const f = path.join(dir, 'waf.yaml');
  const text = readFileSync(f, 'utf8');
  writeFileSync(f, text.replace(/^routes:\n/m, `routes:${PROMOTION}`));
  return dir;
}

describe("promoting a route's GET to block critical signatures", { timeout: 120_000 }, () => {
  const dir = promotedRules();

  it('step 1: waf replay of the recorded GET traffic under the candidate rules blocks nothing', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/waf.ts', 'replay', '-', '--rules', dir], {
      input: RECORDED.join('\n'),
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; would_block: boolean });
    expect(lines).toHaveLength(RECORDED.length);
    expect(lines.filter((l) => l.action === 'block' || l.would_block)).toEqual([]);
  });

  it('step 2: lint accepts the promotion', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/waf.ts', 'lint', '--rules', dir], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
  });

  it('after: a critical signature in a GET to the promoted route is blocked; other GETs stay in monitor', () => {
    const shipped = loadCompiled('gateway/rules').waf;
    const promoted = loadCompiled(dir).waf;
    const before = inspectRequest(ATTACK, shipped);
    expect([before.mode, before.action, before.wouldBlock]).toEqual(['monitor', 'monitor', true]);
    const v = inspectRequest(ATTACK, promoted);
    expect(v.action).toBe('block');
    expect(v.primaryRule).toMatch(/^WAF_XSS_/);
    const elsewhere = { ...ATTACK, url: ATTACK.url.replace('/api/search', '/api/scholarships') };
    const other = inspectRequest(elsewhere, promoted);
    expect([other.mode, other.action, other.wouldBlock]).toEqual(['monitor', 'monitor', true]);
    // POST on the promoted route is unchanged (block, critical only: the defaults).
    expect(promoted.route('/api/search').blockMinSeverity).toBe('critical');
  });
});
