/**
 * `npm run bench:payments -- --processes N`: purchase throughput with 1 and then N backend
 * processes on one Postgres database, behind a round-robin balancer and two gateways on workerd,
 * with the PSP simulator on loopback. A fixed number of clients (BENCH_CLIENTS, default 24) each
 * send purchases back to back (distinct Idempotency-Keys), BENCH_SCALE_PURCHASES in all (default
 * 400) after a warm-up; prints req/s and p50/p95/p99 per process count. Expect throughput to rise
 * with N while a single process is CPU-bound, and p95 to stay within noise.
 */
import { randomBytes } from 'node:crypto';
import { generateSigningJwk, loadSigningKeys } from '../backend/src/auth/keys.ts';
import { signAccessToken } from '../backend/src/auth/tokens.ts';
import { connectPostgres, runMigrations } from '../backend/src/db/client.ts';
import { users } from '../backend/src/db/schema/users.ts';
import { startCluster } from '../test/support/cluster.ts';
import { adminSql, urlFor } from '../test/support/pg.ts';
import { startPspSim } from '../test/support/psp-sim/index.ts';
import { summarize } from './lib/percentiles.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 24);
const PURCHASES = Number(process.env.BENCH_SCALE_PURCHASES ?? 400);
const WARMUP = 40;
/** The gateway's `write` policy allows 120/min per user: enough users that none reaches it. */
const USERS = 80;
const WHSEC = 'whsec_bench_scale';
const STRIPE_KEY = 'sk_test_bench_scale';
const BODY = JSON.stringify({ package_id: 'starter-100', payment_method: 'pm_card_visa' });

interface RunResult {
  processes: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  failed: number;
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
      env: {
        LOG_LEVEL: 'info',
        JWT_PRIVATE_JWK: jwk,
        STRIPE_SECRET_KEY: STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET: WHSEC,
        STRIPE_API_BASE: sim.url,
        DATABASE_POOL_MAX: String(Math.max(3, Math.ceil(12 / processes))),
      },
    });
    sim.setWebhookUrl(`${cluster.gatewayUrls[0]}/webhooks/stripe`);
    const gateways = cluster.gatewayUrls;
    let sent = 0;
    let failed = 0;
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
      if (res.status !== 201) failed++;
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
    const started = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, () => clientLoop(WARMUP + PURCHASES, true)));
    const seconds = (performance.now() - started) / 1000;
    const s = summarize(samples);
    return { processes, rps: samples.length / seconds, p50: s.p50, p95: s.p95, p99: s.p99, failed };
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
  if (rows.length === 2)
    console.log(
      `\n  throughput ×${(rows[1].rps / rows[0].rps).toFixed(2)} with ${processes} processes; p95 ${f(rows[0].p95).trim()} → ${f(rows[1].p95).trim()} ms`,
    );
}
