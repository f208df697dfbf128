import { serve } from '@hono/node-server';
import { parseEnv } from './env.ts';
import { createLogger } from './logger.ts';
import { openAppDatabase } from './db/open.ts';
import { loadSigningKeys } from './auth/keys.ts';
import { createApp } from './app.ts';
import { isEmpty, seedDemo, DEMO_ACCOUNTS } from './db/seed.ts';
import { settlesWithin, startPaymentWorkers } from './payments/workers.ts';
import { crashObserver } from './payments/crash-hook.ts';
import { startOpsWorkers } from './ops/ops-workers.ts';
import type { AppDeps } from './deps.ts';
import { trackInflight } from './http/inflight.ts';
import { setPasswordHashCost } from './auth/password.ts';

/** Scholarships loaded on first start with the embedded defaults. */
const DEMO_SCHOLARSHIP_COUNT = 500;
/** After the request grace period, how long background rounds (recovery, outbox relay) get to finish. */
const WORKERS_STOP_MS = 5_000;

async function main() {
  let env: ReturnType<typeof parseEnv>;
  try {
    env = parseEnv(process.env);
  } catch (e) {
    console.error(`backend: ${(e as Error).message}`);
    process.exit(2);
  }
  setPasswordHashCost(env.PASSWORD_SCRYPT_LOG2N);
  const log = createLogger(env.LOG_LEVEL);
  // Migrations and demo data as the owner; the app's own connection as gatehouse_app (db/open.ts).
  const database = await openAppDatabase({
    databaseUrl: env.DATABASE_URL,
    migrationDatabaseUrl: env.MIGRATION_DATABASE_URL,
    dataDir: env.DATA_DIR,
    poolMax: env.DATABASE_POOL_MAX,
    prepare: env.DATABASE_PREPARE,
    pipeline: env.DATABASE_PIPELINE,
    migrate: env.MIGRATE_ON_START,
    ownerWork: async (owner) => {
      if (env.SEED_DEMO && (await isEmpty(owner))) {
        console.log(`backend: first start, loading demo data (${DEMO_SCHOLARSHIP_COUNT} scholarships)…`);
        await seedDemo(owner, { count: DEMO_SCHOLARSHIP_COUNT });
      }
    },
  });
  const keys = await loadSigningKeys({ privateJwk: env.JWT_PRIVATE_JWK, dataDir: env.DATA_DIR });
  const deps: AppDeps = {
    db: database.db,
    env,
    log,
    keys,
    now: () => new Date(),
    phaseObserver: env.PAYMENTS_CRASH_AT ? crashObserver(env.PAYMENTS_CRASH_AT) : undefined,
  };
  const app = createApp(deps);
  const workers = startPaymentWorkers(deps);
  const opsWorkers = startOpsWorkers(deps);
  const inflight = trackInflight(app.fetch);
  const server = serve({ fetch: inflight.fetch, hostname: env.HOST, port: env.PORT }, (info) => {
    console.log(`backend: listening on http://${info.address}:${info.port} (database: ${database.describe})`);
    if (DEMO_ACCOUNTS.length) {
      console.log(
        'backend: demo accounts: ' + DEMO_ACCOUNTS.map((a) => `${a.role} ${a.email} / ${a.password}`).join(' · '),
      );
    }
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`backend: ${signal}, shutting down (waiting up to ${env.SHUTDOWN_GRACE_SECONDS} s for requests)`);
    // Stop taking connections, then let in-flight requests (a payment phase mid-PSP-call
    // included) finish: a phase cut short would leave its key locked until the lock timeout.
    server.close();
    (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    const drained = await inflight.drained(env.SHUTDOWN_GRACE_SECONDS * 1000);
    if (!drained)
      console.error(
        `backend: ${inflight.count()} request(s) still running after the grace period; their keys resume by recovery`,
      );
    // Bounded too: a round stuck on a query whose answer never comes must not keep the process up.
    const workersStopped = await settlesWithin(Promise.all([workers.stop(), opsWorkers.stop()]), WORKERS_STOP_MS);
    if (!workersStopped)
      console.error(`backend: a background round still running after ${WORKERS_STOP_MS} ms; exiting`);
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e) => {
  console.error('backend: failed to start:', e);
  process.exit(1);
});
