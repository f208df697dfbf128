/**
 * `npm run bench:payments -- --processes N`: purchase throughput with 1 and then N backend
 * processes on one Postgres database, behind a round-robin balancer and two gateways on workerd,
 * with the PSP simulator on loopback. A fixed number of clients (BENCH_CLIENTS, default 24) each
 * send purchases back to back (distinct Idempotency-Keys), BENCH_SCALE_PURCHASES in all (default
 * 400) after a warm-up; prints req/s and p50/p95/p99 per process count. Expect throughput to rise
 * with N while a single process is CPU-bound, and p95 to stay within noise.
 *
 * To tell what limits a run it also prints, per process count: CPU ms per purchase by process group
 * (the driver — this process: clients, balancer, PSP simulator —, backends, workerd, the database's
 * Postgres sessions), the mean number of Postgres sessions per state/wait event, and transactions
 * committed and rolled back (serialization retries). Settlement (webhooks, ledger, outbox) may trail
 * the purchases: it prints what was left unsettled when the window closed, then waits until every
 * purchase is settled and its outbox delivered, and prints the CPU per purchase including that
 * (work a run defers past its window is work it still owes). Other env: BENCH_CPU_PROFILE_DIR (each
 * backend's V8 CPU profile under `backends-<N>/`), CLUSTER_LOG_DIR (keep the backends' log lines),
 * BENCH_NO_WEBHOOKS=1 (the simulator sends none: the purchase path alone).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { generateSigningJwk, loadSigningKeys } from '../backend/src/auth/keys.ts';
import { signAccessToken } from '../backend/src/auth/tokens.ts';
import { connectPostgres, rowsOf, runMigrations } from '../backend/src/db/client.ts';
import { users } from '../backend/src/db/schema/users.ts';
import { startCluster } from '../test/support/cluster.ts';
import { adminSql, urlFor } from '../test/support/pg.ts';
import { startPspSim } from '../test/support/psp-sim/index.ts';
import { cpuMeter } from './lib/cpu-meter.ts';
import { summarize } from './lib/percentiles.ts';
import { sampleWaits } from './lib/pg-waits.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 24);
const PURCHASES = Number(process.env.BENCH_SCALE_PURCHASES ?? 400);
const WARMUP = 40;
/** How long to wait after the window for settlement to catch up before reporting what is left. */
const DRAIN_LIMIT_MS = 120_000;
/** The gateway's `write` policy allows 120/min per user: enough users that none reaches it. */
const USERS = 80;
const WHSEC = 'whsec_bench_scale';
const STRIPE_KEY = 'sk_test_bench_scale';
/** Write each backend's V8 CPU profile under this folder (`backends-<N>/`), to see where its time goes. */
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE_DIR;
const BODY = JSON.stringify({ package_id: 'starter-100', payment_method: 'pm_card_visa' });

interface RunResult {
  processes: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  failed: number;
  /** CPU seconds per purchase, by process group. */
  cpuMs: Record<string, number>;
  /** The same, from the start of the window until every purchase is settled and its outbox delivered. */
  cpuMsSettled: Record<string, number>;
  /** Seconds after the window until the settlement backlog was gone. */
  drainSeconds: number;
  /** Mean sessions of the bench database per state / wait event. */
  waits: [string, number][];
}

/**
 * Settlement work the run left undone when its window closed: purchases whose webhook has not
 * been applied yet and outbox messages not yet delivered. A run that defers more of it did less of
 * the work per purchase inside the window, so compare CPU per purchase only between runs whose
 * backlog is alike.
 */
async function settlementBacklog(database: ReturnType<typeof connectPostgres>) {
  const [row] = rowsOf<{ purchases: string; unsettled: string; outbox: string }>(
    await database.db.execute(sql`select
      (select count(*) from credit_purchases)::text as purchases,
      (select count(*) from credit_purchases where status <> 'succeeded')::text as unsettled,
      (select count(*) from outbox_messages where delivered_at is null)::text as outbox`),
  );
  return { purchases: Number(row.purchases), unsettled: Number(row.unsettled), outbox: Number(row.outbox) };
}

async function runWith(processes: number): Promise<RunResult> {
  const dbName = `gh_bench_scale_${process.pid}_${processes}`;
  const admin = adminSql();
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
  await admin.unsafe(`create database "${dbName}"`);
  const database = connectPostgres(urlFor(dbName), { max: 2 });
  const sim = await startPspSim({ webhookSecret: WHSEC });
  const secret = randomBytes(32).toString('hex');
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  try {
    await runMigrations(database);
    const jwk = JSON.stringify(await generateSigningJwk());
    const keys = await loadSigningKeys({ privateJwk: jwk, dataDir: '' });
    const tokens: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const [u] = await database.db
        .insert(users)
        .values({ email: `scale-${i}@example.test`, passwordHash: 'x', name: `Scale ${i}` })
        .returning({ id: users.id });
      tokens.push(
        await signAccessToken({ keys, issuer: 'gatehouse', audience: 'gatehouse-api' }, { sub: u.id, role: 'student' }),
      );
    }
    cluster = await startCluster({
      secret,
      databaseUrl: urlFor(dbName),
      backends: processes,
      gateways: 2,
      nodeArgs: () => (PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}/backends-${processes}`] : []),
      env: {
        LOG_LEVEL: 'info',
        JWT_PRIVATE_JWK: jwk,
        STRIPE_SECRET_KEY: STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET: WHSEC,
        STRIPE_API_BASE: sim.url,
        DATABASE_POOL_MAX: String(Math.max(3, Math.ceil(12 / processes))),
      },
    });
    if (!process.env.BENCH_NO_WEBHOOKS) sim.setWebhookUrl(`${cluster.gatewayUrls[0]}/webhooks/stripe`);
    const gateways = cluster.gatewayUrls;
    let sent = 0;
    let failed = 0;
    const statuses = new Map<number, number>();
    const samples: number[] = [];
    const purchase = async (n: number) => {
      const t0 = performance.now();
      const res = await fetch(`${gateways[n % gateways.length]}/api/credits/purchases`, {
        method: 'POST',
        body: BODY,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${tokens[n % USERS]}`,
          'idempotency-key': `scale-${processes}-${n}`,
        },
      });
      await res.arrayBuffer();
      if (res.status !== 201) {
        failed++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
      return performance.now() - t0;
    };
    const clientLoop = async (total: number, record: boolean) => {
      for (let n = sent++; n < total; n = sent++) {
        const ms = await purchase(n);
        if (record) samples.push(ms);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, () => clientLoop(WARMUP, false)));
    failed = 0;
    statuses.clear();
    const c = cluster;
    const groups = {
      driver: () => [process.pid],
      backends: () => c.backends.map((b) => b.proc.pid ?? 0),
      gateways: () => c.gatewayPids,
      postgres: async () =>
        (await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${dbName}`).map((r) => r.pid),
    };
    const meter = cpuMeter(groups);
    /** The same groups from the start of the run until its settlement work is done too. */
    const meterSettled = cpuMeter(groups);
    await meter.start();
    await meterSettled.start();
    const xacts = async () =>
      (
        await admin<
          { c: string; r: string }[]
        >`select xact_commit::text as c, xact_rollback::text as r from pg_stat_database where datname = ${dbName}`
      ).map((x) => [Number(x.c), Number(x.r)])[0];
    const [c0, r0] = await xacts();
    const waits = sampleWaits(admin, dbName);
    const started = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, () => clientLoop(WARMUP + PURCHASES, true)));
    const seconds = (performance.now() - started) / 1000;
    const waited = await waits.stop();
    const cpu = await meter.stop();
    const [c1, r1] = await xacts();
    const backlog = await settlementBacklog(database);
    const webhooks = { ...sim.state.stats };
    console.log(`  commits ${c1 - c0}, rollbacks ${r1 - r0} (${((r1 - r0) / samples.length).toFixed(2)} per purchase)`);
    console.log(
      `  at the end: ${backlog.unsettled} of ${backlog.purchases} purchases not yet settled, ${backlog.outbox} outbox messages undelivered; webhooks ${webhooks.webhooksDelivered} delivered of ${webhooks.webhookAttempts} attempts; load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    // Settlement (webhooks, ledger, outbox) may trail the purchases: wait for it, so the work a run
    // deferred past its window is counted too.
    const drainStarted = performance.now();
    let left = backlog;
    while ((left.unsettled > 0 || left.outbox > 0) && performance.now() - drainStarted < DRAIN_LIMIT_MS) {
      await new Promise((r) => setTimeout(r, 200));
      left = await settlementBacklog(database);
    }
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    const cpuSettled = await meterSettled.stop();
    console.log(
      `  settled ${left.unsettled || left.outbox ? 'NOT all' : 'all'} ${drainSeconds.toFixed(1)} s after the window (${left.unsettled} unsettled, ${left.outbox} undelivered left); rollbacks incl. settlement ${(((await xacts())[1] - r0) / samples.length).toFixed(2)} per purchase`,
    );
    const perPurchase = (c: Record<string, number>) =>
      Object.fromEntries(Object.entries(c).map(([k, v]) => [k, (v * 1000) / samples.length]));
    const cpuMs = perPurchase(cpu);
    const cpuMsSettled = perPurchase(cpuSettled);
    const s = summarize(samples);
    if (failed) console.log(`  non-201 answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`);
    return {
      processes,
      rps: samples.length / seconds,
      p50: s.p50,
      p95: s.p95,
      p99: s.p99,
      failed,
      cpuMs,
      cpuMsSettled,
      drainSeconds,
      waits: waited,
    };
  } finally {
    await cluster?.stop();
    await sim.close();
    await database.close();
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
  }
}

export async function benchScaleOut(processes: number): Promise<void> {
  console.log(
    `bench:payments --processes ${processes}: ${PURCHASES} purchases, ${CLIENTS} clients, 2 gateways, balancer, PSP on loopback`,
  );
  const rows: RunResult[] = [];
  for (const p of [...new Set([1, processes])]) {
    process.stdout.write(`  running with ${p} backend process(es)…\n`);
    rows.push(await runWith(p));
  }
  const f = (n: number) => n.toFixed(1).padStart(7);
  console.log('\n  processes   req/s     p50 ms   p95 ms   p99 ms   non-201');
  for (const r of rows)
    console.log(`  ${String(r.processes).padStart(9)} ${f(r.rps)} ${f(r.p50)}  ${f(r.p95)}  ${f(r.p99)}   ${r.failed}`);
  /** One process group's CPU ms per purchase, then their total. */
  const cpuLine = (r: RunResult, ms: Record<string, number>) =>
    `  ${String(r.processes).padStart(9)}  ${Object.entries(ms)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join('  ')}  total ${Object.values(ms)
      .reduce((a, b) => a + b, 0)
      .toFixed(1)}`;
  console.log('\n  CPU ms per purchase (driver = clients + balancer + PSP simulator):');
  for (const r of rows) console.log(cpuLine(r, r.cpuMs));
  console.log('\n  CPU ms per purchase including settlement after the window (seconds it took):');
  for (const r of rows) console.log(`${cpuLine(r, r.cpuMsSettled)}  (${r.drainSeconds.toFixed(1)} s)`);
  console.log('\n  Postgres sessions by state (mean over the run):');
  for (const r of rows)
    console.log(
      `  ${String(r.processes).padStart(9)}  ${r.waits
        .slice(0, 6)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join('; ')}`,
    );
  if (rows.length === 2)
    console.log(
      `\n  throughput ×${(rows[1].rps / rows[0].rps).toFixed(2)} with ${processes} processes; p95 ${f(rows[0].p95).trim()} → ${f(rows[1].p95).trim()} ms`,
    );
}
