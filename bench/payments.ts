/**
 * `npm run bench:payments`: purchase create and idempotent replay latency, measured over HTTP
 * against the real backend server (own Postgres database) with the real Stripe SDK talking to the
 * PSP simulator on loopback. Also measures the bare PSP call, so create overhead = create − PSP.
 * Targets (issue 6): create p95 ≤ 30 ms + PSP time; replay p95 ≤ 5 ms.
 * Env: BENCH_CREATES (default 300), BENCH_REPLAYS (default 1000), TEST_DATABASE_URL.
 */
import { serve } from '@hono/node-server';
import { createApp } from '../backend/src/app.ts';
import { parseEnv } from '../backend/src/env.ts';
import { createLogger } from '../backend/src/logger.ts';
import { ephemeralSigningKeys } from '../backend/src/auth/keys.ts';
import { connectPostgres, runMigrations } from '../backend/src/db/client.ts';
import { users } from '../backend/src/db/schema/users.ts';
import { signAccessToken } from '../backend/src/auth/tokens.ts';
import { createStripe } from '../backend/src/payments/psp.ts';
import { signGatewayRequest, SIGNATURE_HEADER } from '../shared/gateway-signature.ts';
import { startPspSim } from '../test/support/psp-sim/index.ts';
import { adminSql, urlFor } from '../test/support/pg.ts';
import { summarize, type LatencySummary } from './lib/percentiles.ts';

const CREATES = Number(process.env.BENCH_CREATES ?? 300);
const REPLAYS = Number(process.env.BENCH_REPLAYS ?? 1000);
const SECRET = 'bench-gateway-secret-0123456789';
const WHSEC = 'whsec_bench';

const dbName = `gh_bench_${process.pid}`;
const admin = adminSql();
await admin.unsafe(`create database "${dbName}"`);
const database = connectPostgres(urlFor(dbName), { max: 10 });
let server: ReturnType<typeof serve> | undefined;
const sim = await startPspSim({ webhookSecret: WHSEC });
try {
  await runMigrations(database);
  const env = parseEnv({ GATEWAY_SHARED_SECRET: SECRET, DATABASE_URL: urlFor(dbName), LOG_LEVEL: 'silent', STRIPE_SECRET_KEY: 'sk_test_bench', STRIPE_WEBHOOK_SECRET: WHSEC, STRIPE_API_BASE: sim.url });
  const deps = { db: database.db, env, log: createLogger('silent'), keys: await ephemeralSigningKeys(), now: () => new Date() };
  const app = createApp(deps);
  const port = await new Promise<number>((resolve) => { server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (i) => resolve(i.port)); });
  const base = `http://127.0.0.1:${port}`;
  const signed = async (method: string, path: string, headers: Record<string, string>) => {
    const requestId = crypto.randomUUID();
    return { ...headers, 'x-request-id': requestId, [SIGNATURE_HEADER]: await signGatewayRequest(SECRET, { method, pathAndQuery: path, requestId }) };
  };
  // Webhooks go to the backend like Stripe's would (through the gateway: here we add its signature).
  sim.setWebhookUrl(`${base}/webhooks/stripe`);
  const [u] = await database.db.insert(users).values({ email: 'bench@example.test', passwordHash: 'x', name: 'Bench' }).returning({ id: users.id });
  const token = await signAccessToken({ keys: deps.keys, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE }, { sub: u.id, role: 'student' });
  const body = JSON.stringify({ package_id: 'starter-100', payment_method: 'pm_card_visa' });
  const purchase = async (key: string) => {
    const headers = await signed('POST', '/api/credits/purchases', { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key });
    const t0 = performance.now();
    const res = await fetch(`${base}/api/credits/purchases`, { method: 'POST', headers, body });
    await res.arrayBuffer();
    const ms = performance.now() - t0;
    if (res.status !== 201) throw new Error(`purchase ${key}: ${res.status}`);
    return { ms, replayed: res.headers.get('idempotency-replayed') === 'true' };
  };

  const stripe = createStripe({ STRIPE_SECRET_KEY: 'sk_test_bench', STRIPE_API_BASE: sim.url })!;
  const psp: number[] = [];
  for (let i = 0; i < Math.min(CREATES, 200); i++) {
    const t0 = performance.now();
    await stripe.paymentIntents.create({ amount: 999, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { bench: String(i) } }, { idempotencyKey: `bench-psp-${i}` });
    psp.push(performance.now() - t0);
  }
  for (let i = 0; i < 20; i++) await purchase(`warm-${i}`); // JIT, connection pools
  const creates: number[] = [];
  for (let i = 0; i < CREATES; i++) creates.push((await purchase(`create-${i}`)).ms);
  // The creates' webhooks (ledger postings) must not run during the replay loop: they would be timed as replay cost.
  await sim.webhooksIdle();
  const replays: number[] = [];
  for (let i = 0; i < REPLAYS; i++) {
    const r = await purchase(`create-${i % CREATES}`);
    if (!r.replayed) throw new Error('expected a replay');
    replays.push(r.ms);
  }
  await sim.webhooksIdle();
  const fmt = (name: string, s: LatencySummary) => `${name.padEnd(28)} n=${String(s.count).padStart(5)}  p50=${s.p50.toFixed(2).padStart(7)} ms  p95=${s.p95.toFixed(2).padStart(7)} ms  p99=${s.p99.toFixed(2).padStart(7)} ms`;
  const c = summarize(creates), r = summarize(replays), p = summarize(psp);
  console.log('\nbench:payments (sequential, HTTP on loopback, Postgres, Stripe SDK → PSP simulator)');
  console.log(fmt('PSP call alone (SDK→sim)', p));
  console.log(fmt('purchase create', c));
  console.log(fmt('idempotent replay', r));
  console.log(`\ncreate p95 overhead over PSP p95: ${(c.p95 - p.p95).toFixed(2)} ms (target ≤ 30 ms) ${c.p95 - p.p95 <= 30 ? 'OK' : 'MISSED'}`);
  console.log(`replay p95: ${r.p95.toFixed(2)} ms (target ≤ 5 ms) ${r.p95 <= 5 ? 'OK' : 'MISSED'}`);
} finally {
  server?.close();
  await sim.close();
  await database.close();
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
  await admin.end({ timeout: 5 });
}
