/**
 * `npm run gate`: the launch Go/No-Go checkpoint as one command. With no --target it starts the
 * whole product on this machine (scripts/gate/local-stack.ts), runs the five lines, stops what it
 * started and prints GO or NO-GO with evidence; exit code 0 only on GO. Reports go to --report
 * (default .artifacts/gate): gate-report.json and a self-contained gate-report.html.
 * Runbook: docs/runbooks/go-no-go.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import type { GateContext, GateOptions } from './gate/context.ts';
import { guarded } from './gate/context.ts';
import { accessLine } from './gate/lines/access.ts';
import { monetizationLine } from './gate/lines/monetization.ts';
import { observabilityLine } from './gate/lines/observability.ts';
import { performanceLine } from './gate/lines/performance.ts';
import { securityLine } from './gate/lines/security.ts';
import { type LocalStack, startLocalStack } from './gate/local-stack.ts';
import { formatTable, writeReports } from './gate/report.ts';
import { type Check, type GateReport, LINES, type LineName, type LineResult, worst } from './gate/types.ts';

/** A QA-range address (access.yaml `qa-office`): skips rate limits, still inspected by the WAF. */
const LOCAL_QA_IP = '198.51.100.7';

function parseOptions(): GateOptions {
  const { values } = parseArgs({
    options: {
      target: { type: 'string' },
      report: { type: 'string', default: '.artifacts/gate' },
      rate: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '30' },
      count: { type: 'string', default: '100000' },
      fast: { type: 'boolean', default: false },
      only: { type: 'string' },
      baseline: { type: 'string' },
      window: { type: 'string' },
      'accept-local-restart': { type: 'string' },
      rules: { type: 'string' },
      inject: { type: 'string', multiple: true, default: [] },
    },
  });
  const only = values.only?.split(',').map((s) => s.trim());
  for (const l of only ?? [])
    if (!LINES.includes(l as LineName)) throw new Error(`--only: unknown line "${l}" (${LINES.join(', ')})`);
  if (values.window && !['5m', '30m', '1h', '24h'].includes(values.window))
    throw new Error(`--window: one of 5m, 30m, 1h, 24h (the status strip's windows), not "${values.window}"`);
  for (const i of values.inject ?? [])
    if (!/^(search-delay=\d+|redis-stop|duplicate-grant)$/.test(i))
      throw new Error(`--inject: unknown fault "${i}" (search-delay=MS, redis-stop, duplicate-grant)`);
  return {
    target: values.target,
    reportDir: path.resolve(values.report!),
    rate: Number(values.rate),
    seconds: values.fast ? Math.min(Number(values.seconds), 5) : Number(values.seconds),
    count: values.fast ? Math.min(Number(values.count), 2000) : Number(values.count),
    only,
    baseline: values.baseline,
    window: values.window,
    acceptLocalRestart: values['accept-local-restart'],
    rulesDir: values.rules ? path.resolve(values.rules) : undefined,
    inject: values.inject ?? [],
  };
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function runLine(ctx: GateContext, line: LineName, fn: () => Promise<Check[]>): Promise<LineResult> {
  const started = Date.now();
  ctx.progress(`${line}: running`);
  const checks = await guarded(line, fn);
  const result = { line, verdict: worst(checks.map((c) => c.verdict)), checks, ms: Date.now() - started };
  ctx.progress(
    `${line}: ${result.verdict.toUpperCase()} (${checks.filter((c) => c.verdict === 'pass').length}/${checks.length} checks pass)`,
  );
  return result;
}

/**
 * Duplicate-grant sabotage (the gate's own NO-GO test), after the purchases: the unique business key
 * that stops a second grant is dropped in this throwaway database, and a re-delivered grant goes in.
 */
async function duplicateOneGrant(local: LocalStack): Promise<void> {
  const db = local.database.db;
  if (!db) return;
  await db.execute(sql`drop index if exists ledger_transactions_business_key`);
  await db.execute(sql`
    with src as (select * from ledger_transactions where kind = 'credit_grant' order by created_at limit 1),
    t as (insert into ledger_transactions (kind, business_key, purchase_id, source)
          select kind, business_key, purchase_id, source from src returning id)
    insert into ledger_entries (transaction_id, account_id, currency, amount)
    select t.id, e.account_id, e.currency, e.amount from t, ledger_entries e join src on e.transaction_id = src.id`);
}

async function main(): Promise<number> {
  const opts = parseOptions();
  const startedAt = new Date();
  const stamp = () => `${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)} s`;
  const progress = (m: string) => console.log(`[gate ${stamp()}] ${m}`);
  const wants = (l: LineName) => !opts.only || opts.only.includes(l);
  const notes: string[] = [];
  let local: LocalStack | undefined;
  const report: GateReport = {
    verdict: 'NO-GO',
    commit: commit(),
    target: opts.target ?? 'local',
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    lines: [],
    notes,
  };
  try {
    if (!opts.target) {
      progress(`starting the local stack (${opts.count} scholarships)`);
      local = await startLocalStack({
        count: opts.count,
        rulesDir: opts.rulesDir,
        reportDir: opts.reportDir,
        progress,
      });
      notes.push(...local.notes);
      const delay = opts.inject.find((i) => i.startsWith('search-delay='));
      if (delay) {
        const ms = Number(delay.split('=')[1]);
        local.faults.delay('/api/search', ms);
        local.faults.delay('/search', ms);
        notes.push(`fault injected: ${ms} ms delay on search`);
      }
      if (opts.inject.includes('redis-stop') && local.bridge) {
        // Redis goes away once the stack is up: logins must fail closed, and the status strip must say so.
        await local.bridge.stop();
        notes.push('fault injected: Redis (its REST bridge) stopped after start');
      }
      progress(
        `stack up: gateway ${local.gatewayUrl}, database ${local.database.kind}, limiter ${local.bridge ? 'Redis (bridge)' : 'in memory'}`,
      );
    }
    const ctx: GateContext = {
      opts,
      gatewayUrl: opts.target ?? local!.gatewayUrl,
      local,
      qaHeaders: opts.target
        ? process.env.GATE_QA_IP
          ? { 'cf-connecting-ip': process.env.GATE_QA_IP }
          : {}
        : { 'cf-connecting-ip': LOCAL_QA_IP },
      startedAt,
      progress,
      failedRequestIds: [],
      intentionalKills: 0,
    };
    if (wants('access')) report.lines.push(await runLine(ctx, 'access', () => accessLine(ctx)));
    if (wants('monetization')) {
      const line = await runLine(ctx, 'monetization', async () => {
        const checks = await monetizationLine(ctx, {
          beforeLedgerChecks: async () => {
            if (local && opts.inject.includes('duplicate-grant')) await duplicateOneGrant(local);
          },
        });
        return acceptRestart(checks, opts, report.commit);
      });
      report.lines.push(line);
    }
    if (wants('performance')) report.lines.push(await runLine(ctx, 'performance', () => performanceLine(ctx)));
    const goldenLogBytes = local ? readFileSync(local.gatewayLog, 'utf8').length : 0;
    if (wants('security'))
      report.lines.push(await runLine(ctx, 'security', () => securityLine(ctx, { logBytes: goldenLogBytes })));
    if (wants('observability')) report.lines.push(await runLine(ctx, 'observability', () => observabilityLine(ctx)));
    if (local?.bridge === undefined && !opts.target)
      for (const l of report.lines)
        if (l.line === 'security' && l.verdict === 'pass') {
          l.verdict = 'amber';
          l.checks.push({
            name: 'distributed limits',
            verdict: 'amber',
            evidence: 'checked on the in-memory limiter: Redis was not reachable',
          });
        }
  } finally {
    if (local) {
      progress('stopping the local stack');
      await local.stop().catch((e) => console.error(`gate: stopping: ${(e as Error).message}`));
    }
  }
  const complete = LINES.filter((l) => !opts.only || opts.only.includes(l)).length === report.lines.length;
  report.verdict =
    complete && report.lines.every((l) => l.verdict === 'pass' || l.verdict === 'amber') ? 'GO' : 'NO-GO';
  report.finishedAt = new Date().toISOString();
  if (!opts.target) rememberRestartPass(report);
  console.log(formatTable(report));
  const files = writeReports(report, opts.reportDir);
  console.log(`\nreports: ${files.json}\n         ${files.html}`);
  return report.verdict === 'GO' ? 0 : 1;
}

const RESTART_PASS = '.artifacts/gate/last-restart-pass.json';

function rememberRestartPass(report: GateReport): void {
  const m = report.lines.find((l) => l.line === 'monetization');
  if (
    m?.checks.some((c) => c.name.startsWith('kill -9 after')) &&
    m.checks.filter((c) => c.name.startsWith('kill -9 after')).every((c) => c.verdict === 'pass')
  ) {
    mkdirSync(path.dirname(RESTART_PASS), { recursive: true });
    writeFileSync(RESTART_PASS, JSON.stringify({ commit: report.commit, date: report.finishedAt }));
  }
}

/** Remote runs cannot kill processes: accept the restart scenario from a local report of the same commit. */
function acceptRestart(checks: Check[], opts: GateOptions, commitId: string): Check[] {
  const i = checks.findIndex((c) => c.name === 'restart scenario' && c.verdict === 'unchecked');
  if (i === -1) return checks;
  const last = existsSync(RESTART_PASS)
    ? (JSON.parse(readFileSync(RESTART_PASS, 'utf8')) as { commit: string; date: string })
    : undefined;
  if (last) checks[i].evidence += `; last local pass ${last.date} (commit ${last.commit})`;
  if (opts.acceptLocalRestart) {
    const r = JSON.parse(readFileSync(opts.acceptLocalRestart, 'utf8')) as GateReport;
    const crash =
      r.lines.find((l) => l.line === 'monetization')?.checks.filter((c) => c.name.startsWith('kill -9 after')) ?? [];
    const ok = r.commit === commitId && crash.length > 0 && crash.every((c) => c.verdict === 'pass');
    checks[i] = {
      name: 'restart scenario',
      verdict: ok ? 'pass' : 'fail',
      evidence: ok
        ? `accepted from the local report of ${r.finishedAt} (commit ${r.commit}, ${crash.length} crash points passed)`
        : `--accept-local-restart: the report is from commit ${r.commit}, not ${commitId}, or its restart checks did not all pass`,
    };
  }
  return checks;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`gate: ${(e as Error).message}`);
    process.exit(2);
  },
);
