/**
 * `npm start`: the backend on 127.0.0.1:8788 and the gateway (workerd) on 127.0.0.1:8787 in front of
 * it. With no DATABASE_URL the backend uses embedded PGlite under .data/; with no
 * UPSTASH_REDIS_REST_URL the gateway limits in memory. Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startGateway } from './gateway.ts';
import { publicUrlFor } from './public-url.ts';
import { waitReady } from './lib/wait-ready.ts';

const env: Record<string, string | undefined> = { ...process.env };
// One secret per run when none is configured: only these two processes need to agree on it.
env.GATEWAY_SHARED_SECRET ??= randomBytes(32).toString('hex');
const backendPort = Number(env.PORT ?? 8788);
env.BACKEND_URL ??= `http://127.0.0.1:${backendPort}`;
const gatewayPort = Number(env.GATEWAY_PORT ?? 8787);
// Links in mails and pages must name the gateway users actually reach (see public-url.ts).
env.PUBLIC_URL = publicUrlFor(env);
// The ops dashboard's gateway panels scrape the gateway's exposition: one token per run, like the secret.
env.GATEWAY_METRICS_TOKEN ??= randomBytes(24).toString('hex');
env.GATEWAY_METRICS_URL ??= `http://127.0.0.1:${gatewayPort}/__gateway/metrics`;

const backend = spawn(process.execPath, ['--import', 'tsx', path.resolve('backend/src/server.ts')], {
  stdio: 'inherit',
  env,
});
const backendExited = new Promise<number>((resolve) => backend.once('exit', (code) => resolve(code ?? 1)));

try {
  await waitReady(`${env.BACKEND_URL}/readyz`, backend, { name: 'the backend', timeoutMs: 120_000, intervalMs: 250 });
  if (!env.UPSTASH_REDIS_REST_URL)
    console.log('gateway: UPSTASH_REDIS_REST_URL is not set: rate limits use an in-memory limiter (one host only)');
  const gateway = await startGateway({ port: gatewayPort, env });
  console.log(
    `\nGatehouse is up: open ${gateway.url} in a browser (API under ${gateway.url}/api). Ctrl-C stops both.\n`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    backend.kill('SIGTERM');
    await Promise.all([gateway.stop(), backendExited]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  void backendExited.then(async (code) => {
    if (stopping) return;
    console.error(`backend exited with code ${code}; stopping the gateway`);
    await gateway.stop();
    process.exit(code || 1);
  });
} catch (e) {
  console.error(`start: ${(e as Error).message}`);
  backend.kill('SIGTERM');
  process.exit(1);
}
