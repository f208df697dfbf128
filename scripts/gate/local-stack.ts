/**
 * The stack `npm run gate` starts on this machine when no --target is given: Postgres (a throwaway
 * database cloned from a seeded template) or embedded PGlite, Redis through the Upstash REST bridge
 * or the in-memory limiter, the PSP simulator, the backend, a fault proxy, and the gateway on workerd.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSigningJwk } from '../../backend/src/auth/keys.ts';
import { startRedisBridge, type RedisBridge } from '../../test/support/redis-bridge/server.ts';
import { startPspSim, type PspSim } from '../../test/support/psp-sim/index.ts';
import { freePort, waitReady } from '../../test/support/process.ts';
import { tcpOpen } from '../lib/tcp-open.ts';
import { startGateway } from '../gateway.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { type GateDatabase, openGateDatabase } from './gate-database.ts';

const WEBHOOK_SECRET = 'whsec_gate_local';
const STRIPE_KEY = 'sk_test_gate_local';

export interface LocalStack {
  gatewayUrl: string;
  backendUrl: string;
  database: GateDatabase;
  sim: PspSim;
  bridge?: RedisBridge;
  faults: FaultProxy;
  metricsToken: string;
  secret: string;
  jwk: string;
  backendLog: string;
  gatewayLog: string;
  /** Starts the backend again (after a kill), with extra env (e.g. PAYMENTS_CRASH_AT). */
  restartBackend(extraEnv?: Record<string, string>): Promise<ChildProcess>;
  backend(): ChildProcess;
  notes: string[];
  stop(): Promise<void>;
}

export async function startLocalStack(opts: {
  count: number;
  rulesDir?: string;
  reportDir: string;
  progress(m: string): void;
}): Promise<LocalStack> {
  const notes: string[] = [];
  const logs = path.join(opts.reportDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const database = await openGateDatabase(opts.count, opts.progress);
  if (database.kind === 'pglite') notes.push(`Postgres not reachable: embedded PGlite with ${opts.count} scholarships`);
  let bridge: RedisBridge | undefined;
  const redisToken = randomBytes(16).toString('hex');
  if (await tcpOpen('127.0.0.1', 6379)) {
    bridge = await startRedisBridge({ port: await freePort(), token: redisToken });
  } else {
    notes.push('Redis not reachable: distributed limits checked on the in-memory limiter (amber)');
  }
  const sim = await startPspSim({ webhookSecret: WEBHOOK_SECRET });
  const secret = randomBytes(32).toString('hex');
  const metricsToken = randomBytes(16).toString('hex');
  const jwk = JSON.stringify(await generateSigningJwk());
  const backendPort = await freePort();
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const backendLog = path.join(logs, 'backend.log');
  const gatewayLog = path.join(logs, 'gateway.log');
  const dataDir = database.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'gatehouse-gate-'));
  const gatewayPort = await freePort();
  const baseEnv = {
    ...process.env,
    // Forms check Origin against PUBLIC_URL: it is the gateway's address, as users see it.
    PUBLIC_URL: `http://127.0.0.1:${gatewayPort}`,
    PORT: String(backendPort),
    GATEWAY_SHARED_SECRET: secret,
    DATA_DIR: dataDir,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    SEED_DEMO: 'false',
    LOG_LEVEL: 'info',
    JWT_PRIVATE_JWK: jwk,
    STRIPE_SECRET_KEY: STRIPE_KEY,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_BASE: sim.url,
    IDEMPOTENCY_LOCK_TIMEOUT_SECONDS: '1',
    PAYMENTS_RECOVERY_INTERVAL_SECONDS: '1',
    METRICS_TOKEN: metricsToken,
    // The dashboard's gateway panels (and the status strip) scrape the gateway's exposition.
    GATEWAY_METRICS_URL: `http://127.0.0.1:${gatewayPort}/__gateway/metrics`,
    GATEWAY_METRICS_TOKEN: metricsToken,
  };
  const backendFd = openSync(backendLog, 'w');
  let backend: ChildProcess;
  const spawnBackend = async (extra: Record<string, string> = {}) => {
    backend = spawn(process.execPath, ['--import', 'tsx', path.resolve('backend/src/server.ts')], {
      env: { ...baseEnv, ...extra },
      stdio: ['ignore', backendFd, backendFd],
    });
    return backend;
  };
  await spawnBackend();
  await waitReady(backendUrl, backend!, 120_000);
  const faults = await startFaultProxy(backendUrl);
  const gateway = await startGateway({
    port: gatewayPort,
    logFd: openSync(gatewayLog, 'w'),
    env: {
      ...process.env,
      GATEWAY_SHARED_SECRET: secret,
      BACKEND_URL: faults.url,
      GATEWAY_METRICS_TOKEN: metricsToken,
      RATE_LIMIT_PREFIX: `gh:gate:${Date.now()}`,
      ...(bridge ? { UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: redisToken } : {}),
      ...(opts.rulesDir ? { GATEWAY_RULES_DIR: opts.rulesDir } : {}),
    },
  });
  sim.setWebhookUrl(`${gateway.url}/webhooks/stripe`);
  return {
    gatewayUrl: gateway.url,
    backendUrl,
    database,
    sim,
    bridge,
    faults,
    metricsToken,
    secret,
    jwk,
    backendLog,
    gatewayLog,
    notes,
    backend: () => backend,
    async restartBackend(extra = {}) {
      // One backend at a time on the port: stop the running one first (its in-flight work drains).
      if (backend.exitCode === null && backend.signalCode === null) {
        const exited = new Promise((r) => backend.once('exit', r));
        backend.kill('SIGTERM');
        await exited;
      }
      const p = await spawnBackend(extra);
      await waitReady(backendUrl, p, 60_000);
      return p;
    },
    async stop() {
      await gateway.stop();
      await faults.close();
      if (backend.exitCode === null && backend.signalCode === null) {
        const exited = new Promise((r) => backend.once('exit', r));
        backend.kill('SIGTERM');
        await exited;
      }
      await sim.close();
      await bridge?.close();
      await database.close().catch(() => {});
      await database.drop?.();
    },
  };
}
