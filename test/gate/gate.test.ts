/**
 * The launch gate itself: `npm run gate -- --fast` says GO on a healthy build (and its HTML report
 * renders in Chromium), and each sabotage flips the right line to FAIL: a rule file that blocks a
 * golden path (security), Redis stopped mid-run (observability), the PSP double-delivering with the
 * ledger's unique business key removed in the throwaway database (monetization), and a 200 ms
 * delay on search (performance). Run by `npm run test:gate` (CI runs it after `npm test`).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { GateReport } from '../../scripts/gate/types.ts';
import { launchBrowser, newContext, SCREENSHOT_DIR } from '../support/browser.ts';

const run = promisify(execFile);

async function gate(args: string[]): Promise<{ code: number; out: string; report: GateReport; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-gate-report-'));
  let code = 0;
  let out = '';
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'scripts/gate.ts', '--fast', '--report', dir, ...args], {
      maxBuffer: 32 << 20,
    });
    out = r.stdout;
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    code = err.code;
    out = `${err.stdout}\n${err.stderr}`;
  }
  const report = JSON.parse(readFileSync(path.join(dir, 'gate-report.json'), 'utf8')) as GateReport;
  return { code, out, report, dir };
}

const verdictOf = (r: GateReport, line: string) => r.lines.find((l) => l.line === line)?.verdict;

describe('npm run gate', () => {
  it('says GO on a healthy build, exit 0, and the HTML report renders', async () => {
    const { code, out, report, dir } = await gate([]);
    expect(out).toContain('GO');
    const failed = report.lines.flatMap((l) =>
      l.checks.filter((c) => c.verdict === 'fail').map((c) => `${l.line}: ${c.name} (${c.evidence})`),
    );
    expect(
      report.lines.map((l) => `${l.line}:${l.verdict}`),
      failed.join('\n'),
    ).toEqual(report.lines.map((l) => `${l.line}:${l.verdict === 'amber' ? 'amber' : 'pass'}`));
    expect(report.verdict).toBe('GO');
    expect(code).toBe(0);
    const browser = await launchBrowser();
    try {
      const page = await (await newContext(browser)).newPage();
      await page.goto(`file://${path.join(dir, 'gate-report.html')}`);
      expect(await page.locator('.verdict').textContent()).toBe('GO');
      expect(await page.locator('.light').count()).toBe(5);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'gate-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('a rule file that blocks a golden path flips security to FAIL', async () => {
    const rules = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-gate-rules-'));
    cpSync('gateway/rules', rules, { recursive: true });
    const waf = readFileSync(path.join(rules, 'waf.yaml'), 'utf8').replace(
      'routes:\n',
      'routes:\n  - match: [/signup, /api/auth/signup]\n    allowed_methods: [GET]\n    reason: sabotage for the gate test\n',
    );
    writeFileSync(path.join(rules, 'waf.yaml'), waf);
    const { code, report } = await gate(['--only', 'access,security', '--rules', rules]);
    expect(code).toBe(1);
    expect(report.verdict).toBe('NO-GO');
    expect(verdictOf(report, 'security')).toBe('fail');
    const golden = report.lines
      .find((l) => l.line === 'security')!
      .checks.find((c) => c.name === 'golden paths: zero WAF blocks');
    expect(golden?.verdict).toBe('fail');
  });

  it('Redis stopped during the run flips observability to FAIL', async () => {
    const { code, report } = await gate(['--only', 'observability', '--inject', 'redis-stop']);
    expect(code).toBe(1);
    expect(verdictOf(report, 'observability')).toBe('fail');
  });

  it('double delivery with the ledger guard removed flips monetization to FAIL', async () => {
    const { code, report } = await gate(['--only', 'monetization', '--inject', 'duplicate-grant']);
    expect(code).toBe(1);
    const m = report.lines.find((l) => l.line === 'monetization')!;
    expect(m.verdict).toBe('fail');
    expect(m.checks.find((c) => c.name === 'duplicates = 0')?.verdict).toBe('fail');
  });

  it('a 200 ms delay on search flips performance to FAIL', async () => {
    const { code, report } = await gate(['--only', 'performance', '--inject', 'search-delay=200']);
    expect(code).toBe(1);
    const p = report.lines.find((l) => l.line === 'performance')!;
    expect(p.checks.find((c) => c.name.startsWith('search'))?.verdict).toBe('fail');
    expect(p.checks.find((c) => c.name.startsWith('list'))?.verdict).toBe('pass');
  });
});
