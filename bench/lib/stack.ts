/**
 * The bench stack: a dedicated Postgres database seeded once with the demo catalog, the backend as
 * a child process, and the gateway on workerd in front of it, all on free ports.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { connectPostgres, runMigrations } from '../../backend/src/db/client.ts';
import { seedDemo } from '../../backend/src/db/seed.ts';
import { rowsOf } from '../../backend/src/db/client.ts';
import { startGateway } from '../../scripts/gateway.ts';
import { freePort } from '../../scripts/lib/free-port.ts';
import { waitReady } from '../../scripts/lib/wait-ready.ts';

export { freePort };

/** Makes `url`'s database if missing, migrates it and tops the demo catalog up to `count` rows. */
export async function prepareDatabase(url: string, count: number): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bench database name ${name} must be a plain identifier`);
  const admin = postgres({
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password) || undefined,
    database: 'postgres',
    max: 1,
    onnotice: () => {},
  });
  try {
    const exists = await admin`select 1 from pg_database where datname = ${name}`;
    if (exists.length === 0) {
      await admin.unsafe(`create database "${name}"`);
      console.log(`bench: created database ${name}`);
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
  const database = connectPostgres(url, { max: 2 });
  try {
    await runMigrations(database);
    const [{ n }] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from scholarships`));
    if (n >= count) {
      console.log(`bench: reusing ${name} (${n} scholarships)`);
      return;
    }
    const started = performance.now();
    let last = 0;
    await seedDemo(database.db, {
      count,
      onProgress(done, total) {
        if (done === total || performance.now() - last > 1000) {
          last = performance.now();
          process.stdout.write(
            `\rbench: seeding ${done}/${total} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
          );
        }
      },
    });
    process.stdout.write('\n');
    await database.db.execute(sql`vacuum analyze scholarships`);
    await database.db.execute(sql`vacuum analyze search_words`);
  } finally {
    await database.close();
  }
}

export interface BenchStack {
  gatewayUrl: string;
  backendUrl: string;
  stop(): Promise<void>;
}

/** Backend (LOG_LEVEL=warn: per-request access logs are not what we measure) + gateway on workerd. */
export async function startBenchStack(databaseUrl: string): Promise<BenchStack> {
  const secret = randomBytes(32).toString('hex');
  const backendPort = await freePort();
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const backend = spawn(process.execPath, ['--import', 'tsx', path.resolve('backend/src/server.ts')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(backendPort),
      GATEWAY_SHARED_SECRET: secret,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-')),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitReady(`${backendUrl}/readyz`, backend, { name: 'backend', intervalMs: 200 });
    const port = await freePort();
    const gateway = await startGateway({
      port,
      env: {
        ...process.env,
        GATEWAY_SHARED_SECRET: secret,
        BACKEND_URL: backendUrl,
        RATE_LIMIT_PREFIX: `gh:bench:${Date.now()}`,
      },
    });
    return {
      gatewayUrl: gateway.url,
      backendUrl,
      async stop() {
        await gateway.stop();
        const exited = new Promise((r) => backend.once('exit', r));
        backend.kill('SIGTERM');
        await exited;
      },
    };
  } catch (e) {
    backend.kill('SIGKILL');
    throw e;
  }
}
