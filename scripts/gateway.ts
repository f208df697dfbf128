/**
 * `npm run gateway -- [--port N] [--host H] [--no-build]`: one gateway instance on workerd, with the
 * current environment (BACKEND_URL, GATEWAY_SHARED_SECRET, UPSTASH_REDIS_REST_URL/_TOKEN,
 * RATE_LIMIT_PREFIX, GATEWAY_METRICS_TOKEN). Several instances can share one Redis: that is how
 * multi-host tests and benchmarks run. GATEWAY_RULES_DIR (tests, benchmarks) replaces bundled rule
 * files by the same-named files of that directory in this instance's bundle.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildGateway, writeWorkerdConfig } from './workerd-config.ts';

export interface GatewayOptions {
  host?: string;
  port?: number;
  outDir?: string;
  build?: boolean;
  env?: Record<string, string | undefined>;
  /** Write workerd's output (WAF events, limiter notices) to this open file descriptor instead of the terminal. */
  logFd?: number;
}

/** Builds (unless told not to) and starts workerd; resolves once it listens. */
export async function startGateway(opts: GatewayOptions = {}) {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 8787;
  const outDir = path.resolve(opts.outDir ?? `.wrangler/gateway-${host}-${port}`);
  const env = opts.env ?? process.env;
  const modules = buildGateway(outDir);
  const bindings: Record<string, string> = {
    BACKEND_URL: env.BACKEND_URL ?? 'http://127.0.0.1:8788',
    GATEWAY_SHARED_SECRET: env.GATEWAY_SHARED_SECRET ?? '',
  };
  for (const k of [
    'UPSTASH_REDIS_REST_URL',
    'UPSTASH_REDIS_REST_TOKEN',
    'RATE_LIMIT_PREFIX',
    'GATEWAY_METRICS_TOKEN',
  ] as const)
    if (env[k]) bindings[k] = env[k]!;
  if (env.GATEWAY_RULES_DIR) overrideRules(outDir, modules, env.GATEWAY_RULES_DIR);
  if (!bindings.GATEWAY_SHARED_SECRET) throw new Error('GATEWAY_SHARED_SECRET is required to start the gateway');
  const config = writeWorkerdConfig(outDir, modules, `${host}:${port}`, bindings);
  const bin = path.resolve('node_modules/.bin/workerd');
  const out = opts.logFd ?? 'inherit';
  const child = spawn(bin, ['serve', config, '--experimental'], { stdio: ['ignore', out, out] });
  await waitForPort(host, port, child);
  return { url: `http://${host}:${port}`, child, stop: () => stopChild(child) };
}

/** wrangler emits each rule file as `<hash>-<name>.yaml`; swap in the override's text. */
function overrideRules(outDir: string, modules: string[], dir: string): void {
  for (const m of modules.filter((x) => x.endsWith('.yaml'))) {
    const name = path.basename(m).replace(/^[0-9a-f]{40}-/, '');
    const file = path.resolve(dir, name);
    if (existsSync(file)) copyFileSync(file, path.join(outDir, m));
  }
}

async function waitForPort(host: string, port: number, child: ReturnType<typeof spawn>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`workerd exited with code ${child.exitCode}`);
    try {
      await fetch(`http://${host}:${port}/__gateway_probe`, { signal: AbortSignal.timeout(500) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`gateway did not listen on ${host}:${port} within 20 s`);
}

function stopChild(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
  const gw = await startGateway({ host: values.host, port: values.port ? Number(values.port) : undefined });
  console.log(`gateway: listening on ${gw.url} (workerd) → ${process.env.BACKEND_URL ?? 'http://127.0.0.1:8788'}`);
  const stop = async () => {
    await gw.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
