import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { startGateway } from '../../scripts/gateway.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { TEST_GATEWAY_SECRET } from './backend.ts';
import { freePort, waitReady } from './process.ts';

export { freePort };

/**
 * The node arguments that run the backend: the run's build (test/support/backend-build.ts) in the
 * e2e project, the TypeScript source through tsx elsewhere (benchmarks). Source maps keep stack
 * traces pointing at backend/src.
 */
export function backendArgv(): string[] {
  const built = inject('backendServer');
  return built ? ['--enable-source-maps', built] : ['--import', 'tsx', path.resolve('backend/src/server.ts')];
}

export interface Stack {
  backendUrl: string;
  /** One URL per gateway started, in the order of `gateways`. */
  gatewayUrls: string[];
  gatewayUrl: string;
  database: TestDatabase;
  dataDir: string;
  backend: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The whole product as separate processes, as in production: the backend (Node) on a fresh
 * Postgres database, and one or more gateways on workerd in front of it. For e2e tests.
 */
export async function startStack(
  opts: {
    gateways?: { host?: string; port?: number }[];
    env?: Record<string, string>;
    backendEnv?: Record<string, string>;
    gatewayEnv?: Record<string, string>;
  } = {},
): Promise<Stack> {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-e2e-'));
  const backendPort = await freePort();
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const common = { GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET, ...opts.env };
  const backend = spawn(process.execPath, backendArgv(), {
    env: {
      ...process.env,
      ...common,
      // One login for both, as in the documented fallback: the backend migrates with it and then
      // runs its queries as gatehouse_app (db/open.ts), so the ledger guards apply end to end.
      DATABASE_URL: database.url,
      MIGRATION_DATABASE_URL: database.url,
      PORT: String(backendPort),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      ...opts.backendEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const gateways: Awaited<ReturnType<typeof startGateway>>[] = [];
  try {
    await waitReady(backendUrl, backend);
    for (const g of opts.gateways ?? [{}]) {
      const host = g.host ?? '127.0.0.1';
      const port = g.port ?? (await freePort(host));
      gateways.push(
        await startGateway({
          host,
          port,
          // The run's one bundle (test/support/gateway-bundle.ts); absent outside the e2e project.
          bundleDir: inject('gatewayBundle') || undefined,
          env: { ...process.env, ...common, BACKEND_URL: backendUrl, ...opts.gatewayEnv },
        }),
      );
    }
  } catch (e) {
    backend.kill('SIGKILL');
    await Promise.all(gateways.map((g) => g.stop()));
    await database.close();
    throw e;
  }
  return {
    backendUrl,
    gatewayUrls: gateways.map((g) => g.url),
    gatewayUrl: gateways[0].url,
    database,
    dataDir,
    backend,
    async stop() {
      await Promise.all(gateways.map((g) => g.stop()));
      if (backend.exitCode === null) {
        const exited = new Promise((r) => backend.once('exit', r));
        backend.kill('SIGTERM');
        await exited;
      }
      await database.close();
    },
  };
}
