import { serve } from '@hono/node-server';
import { parseEnv } from './env.ts';
import { createLogger } from './logger.ts';
import { openAppDatabase } from './db/open.ts';
import { loadSigningKeys } from './auth/keys.ts';
import { createApp } from './app.ts';
import { isEmpty, seedDemo, DEMO_ACCOUNTS } from './db/seed.ts';
import { startPaymentWorkers } from './payments/workers.ts';
import type { AppDeps } from './deps.ts';

/** Scholarships loaded on first start with the embedded defaults. */
const DEMO_SCHOLARSHIP_COUNT = 500;

async function main() {
  let env: ReturnType<typeof parseEnv>;
  try {
    env = parseEnv(process.env);
  } catch (e) {
    console.error(`backend: ${(e as Error).message}`);
    process.exit(2);
  }
  const log = createLogger(env.LOG_LEVEL);
  // Migrations and demo data as the owner; the app's own connection as gatehouse_app (db/open.ts).
  const database = await openAppDatabase({
    databaseUrl: env.DATABASE_URL,
    migrationDatabaseUrl: env.MIGRATION_DATABASE_URL,
    dataDir: env.DATA_DIR,
    prepare: async (owner) => {
      if (env.SEED_DEMO && (await isEmpty(owner))) {
        console.log(`backend: first start, loading demo data (${DEMO_SCHOLARSHIP_COUNT} scholarships)…`);
        await seedDemo(owner, { count: DEMO_SCHOLARSHIP_COUNT });
      }
    },
  });
  const keys = await loadSigningKeys({ privateJwk: env.JWT_PRIVATE_JWK, dataDir: env.DATA_DIR });
  const deps: AppDeps = { db: database.db, env, log, keys, now: () => new Date() };
  const app = createApp(deps);
  const workers = startPaymentWorkers(deps);
  const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, (info) => {
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
    console.log(`backend: ${signal}, shutting down`);
    server.close();
    await workers.stop();
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
