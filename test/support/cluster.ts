import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startGateway } from '../../scripts/gateway.ts';
import { freePort, waitReady } from './process.ts';

/** One backend process of a cluster; `restart()` starts it again on the same port. */
interface ClusterBackend {
  url: string;
  proc: ChildProcess;
  kill(signal: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
}

/** Exits nobody asked for (a crash, an unhandled rejection): `index: code/signal`, in order. */
type CrashLog = string[];

export interface Cluster {
  backends: ClusterBackend[];
  /** The round-robin balancer the gateways forward to (a stand-in for a load balancer). */
  balancerUrl: string;
  gatewayUrls: string[];
  /** workerd's process ids, one per gateway (benchmarks account their CPU). */
  gatewayPids: number[];
  /** Backend exits that `kill()` did not cause: a test of the cluster expects none. */
  crashes: CrashLog;
  stop(): Promise<void>;
}

/**
 * Several backend processes on one database, behind a round-robin balancer, behind several
 * gateways on workerd: the production shape of a scaled-out deployment, on loopback.
 */
export async function startCluster(opts: {
  databaseUrl: string;
  /** GATEWAY_SHARED_SECRET of every process. */
  secret: string;
  backends: number;
  gateways: number;
  env?: Record<string, string>;
  /** Run this built server (`npm run build` output) with plain node instead of the TypeScript source. */
  builtServer?: string;
  /** A Worker bundle `buildGateway` already made (the e2e run's, `inject('gatewayBundle')`): copied, not rebuilt. */
  gatewayBundle?: string;
  /** Extra node flags per backend index (`--cpu-prof`, which NODE_OPTIONS may not carry). */
  nodeArgs?: (index: number) => string[];
}): Promise<Cluster> {
  const backends: ClusterBackend[] = [];
  const crashes: CrashLog = [];
  const script = opts.builtServer ? [opts.builtServer] : ['--import', 'tsx', path.resolve('backend/src/server.ts')];
  for (let i = 0; i < opts.backends; i++)
    backends.push(
      await startBackend(
        i,
        [...(opts.nodeArgs?.(i) ?? []), ...script],
        opts.databaseUrl,
        {
          GATEWAY_SHARED_SECRET: opts.secret,
          ...opts.env,
        },
        crashes,
      ),
    );
  const balancer = await startBalancer(backends.map((b) => b.url));
  const gateways: Awaited<ReturnType<typeof startGateway>>[] = [];
  for (let i = 0; i < opts.gateways; i++) {
    gateways.push(
      await startGateway({
        port: await freePort(),
        bundleDir: opts.gatewayBundle,
        env: { ...process.env, GATEWAY_SHARED_SECRET: opts.secret, BACKEND_URL: balancer.url },
      }),
    );
  }
  return {
    backends,
    balancerUrl: balancer.url,
    gatewayUrls: gateways.map((g) => g.url),
    gatewayPids: gateways.map((g) => g.child.pid ?? 0),
    crashes,
    async stop() {
      await Promise.all(gateways.map((g) => g.stop()));
      await new Promise<void>((r) => balancer.server.close(() => r()));
      await Promise.all(backends.map((b) => b.kill('SIGTERM')));
    },
  };
}

async function startBackend(
  index: number,
  argv: string[],
  databaseUrl: string,
  env: Record<string, string>,
  crashes: CrashLog,
): Promise<ClusterBackend> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let killing = false;
  const spawnOne = () => {
    const proc = spawn(process.execPath, argv, {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        DATA_DIR: mkdtempSync(path.join(os.tmpdir(), `gatehouse-cluster-${index}-`)),
        LOG_LEVEL: 'warn',
        SEED_DEMO: 'false',
        MIGRATE_ON_START: 'false',
        ...env,
      },
      // CLUSTER_LOG_DIR: keep each backend's log lines (stdout) for a run that went wrong.
      stdio: [
        'ignore',
        process.env.CLUSTER_LOG_DIR
          ? openSync(path.join(process.env.CLUSTER_LOG_DIR, `backend-${index}.log`), 'a')
          : 'ignore',
        'inherit',
      ],
    });
    proc.once('exit', (code, signal) => {
      if (!killing) crashes.push(`backend ${index}: ${signal ?? `exit ${code}`}`);
    });
    return proc;
  };
  const b: ClusterBackend = {
    url,
    proc: spawnOne(),
    async kill(signal) {
      const p = b.proc;
      if (p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      killing = true;
      p.kill(signal);
      // A process that does not end within its grace (20 s) plus a margin is killed, not left behind.
      const hard = setTimeout(() => p.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(hard);
    },
    async restart() {
      killing = false;
      b.proc = spawnOne();
      await waitReady(url, b.proc);
    },
  };
  await waitReady(url, b.proc);
  return b;
}

/**
 * Round-robin HTTP balancer. A target that refuses the connection is skipped (the request never
 * reached it, so trying the next is safe); a connection lost mid-request answers 502, as a real
 * balancer does, and the client retries with its Idempotency-Key.
 */
async function startBalancer(targets: string[]): Promise<{ url: string; server: Server }> {
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const attempt = (tries: number) => {
        const target = new URL(targets[next++ % targets.length]);
        const up = request(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        up.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code === 'ECONNREFUSED' && tries < targets.length) return attempt(tries + 1);
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
          res.end('bad gateway');
        });
        up.end(body);
      };
      attempt(1);
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, server };
}
