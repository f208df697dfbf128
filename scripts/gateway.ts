/**
 * `npm run gateway -- [--port N] [--host H]`: one gateway instance on workerd, with the
 * current environment (BACKEND_URL, GATEWAY_SHARED_SECRET, UPSTASH_REDIS_REST_URL/_TOKEN,
 * RATE_LIMIT_PREFIX, GATEWAY_METRICS_TOKEN). Several instances can share one Redis: that is how
 * multi-host tests and benchmarks run. GATEWAY_RULES_DIR (tests, benchmarks) replaces bundled rule
 * files by the same-named files of that directory in this instance's bundle.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildGateway, bundleModules, writeWorkerdConfig } from './workerd-config.ts';
import { BindingsError, parseBindings } from '../gateway/src/config/bindings.ts';
import { waitReady } from './lib/wait-ready.ts';

export interface GatewayOptions {
  host?: string;
  port?: number;
  outDir?: string;
  /**
   * A bundle `buildGateway` already made: copied into `outDir` instead of building again (the e2e
   * suite builds once per run, test/support/gateway-bundle.ts). Rule overrides apply to the copy.
   */
  bundleDir?: string;
  env?: Record<string, string | undefined>;
  /** Write workerd's output (WAF events, limiter notices) to this open file descriptor instead of the terminal. */
  logFd?: number;
}

/** Builds (or copies `bundleDir`) and starts workerd; resolves once it listens. */
export async function startGateway(opts: GatewayOptions = {}) {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 8787;
  const outDir = path.resolve(opts.outDir ?? `.wrangler/gateway-${host}-${port}`);
  const env = opts.env ?? process.env;
  const bindings: Record<string, string> = {
    BACKEND_URL: env.BACKEND_URL ?? 'http://127.0.0.1:8788',
    GATEWAY_SHARED_SECRET: env.GATEWAY_SHARED_SECRET ?? '',
  };
  for (const k of [
    'UPSTASH_REDIS_REST_URL',
    'UPSTASH_REDIS_REST_TOKEN',
    'RATE_LIMIT_PREFIX',
    'GATEWAY_METRICS_TOKEN',
    'TRUSTED_PROXY_CIDRS',
  ] as const)
    if (env[k]) bindings[k] = env[k]!;
  Object.assign(bindings, trustBindings(env));
  if (!bindings.GATEWAY_SHARED_SECRET) throw new Error('GATEWAY_SHARED_SECRET is required to start the gateway');
  // The same zod schema the Worker applies: a bad value stops here, naming the variable.
  parseBindings(bindings);
  const modules = opts.bundleDir ? copyBundle(opts.bundleDir, outDir) : buildGateway(outDir);
  if (env.GATEWAY_RULES_DIR) overrideRules(outDir, modules, env.GATEWAY_RULES_DIR);
  const config = writeWorkerdConfig(outDir, modules, `${host}:${port}`, bindings);
  const bin = path.resolve('node_modules/.bin/workerd');
  const out = opts.logFd ?? 'inherit';
  const child = spawn(bin, ['serve', config, '--experimental'], { stdio: ['ignore', out, out] });
  await waitReady(`http://${host}:${port}/__gateway_probe`, child, {
    name: 'workerd',
    timeoutMs: 20_000,
    intervalMs: 100,
    anyStatus: true,
  });
  return { url: `http://${host}:${port}`, child, stop: () => stopChild(child) };
}

/**
 * The environment and client-address trust of a gateway started by this script. Unset means local
 * development: npm start, tests and benchmarks send `CF-Connecting-IP` themselves and workerd has no
 * Cloudflare in front, so the header is trusted from any peer (CLIENT_IP_SOURCE=header). A
 * self-hosted production gateway sets GATEWAY_ENV=production and CLIENT_IP_SOURCE=proxy with
 * TRUSTED_PROXY_CIDRS and CLIENT_IP_HEADER (docs/rules/access.md, "Client address").
 */
export function trustBindings(env: Record<string, string | undefined>): Record<string, string> {
  const gatewayEnv = env.GATEWAY_ENV || 'development';
  const dev = gatewayEnv === 'development';
  const source = env.CLIENT_IP_SOURCE || (dev ? 'header' : '');
  const out: Record<string, string> = { GATEWAY_ENV: gatewayEnv };
  if (source) out.CLIENT_IP_SOURCE = source;
  const header = env.CLIENT_IP_HEADER || (source === 'header' ? 'cf-connecting-ip' : '');
  if (header) out.CLIENT_IP_HEADER = header;
  return out;
}

function copyBundle(from: string, outDir: string): string[] {
  rmSync(outDir, { recursive: true, force: true });
  cpSync(from, outDir, { recursive: true });
  return bundleModules(outDir);
}

/** wrangler emits each rule file as `<hash>-<name>.yaml`; swap in the override's text. */
function overrideRules(outDir: string, modules: string[], dir: string): void {
  for (const m of modules.filter((x) => x.endsWith('.yaml'))) {
    const name = path.basename(m).replace(/^[0-9a-f]{40}-/, '');
    const file = path.resolve(dir, name);
    if (existsSync(file)) copyFileSync(file, path.join(outDir, m));
  }
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
  let gw: Awaited<ReturnType<typeof startGateway>>;
  try {
    gw = await startGateway({ host: values.host, port: values.port ? Number(values.port) : undefined });
  } catch (e) {
    // A bad binding names the variable; no stack trace for a configuration mistake.
    console.error(e instanceof BindingsError ? e.message : e);
    process.exit(1);
  }
  const trust = trustBindings(process.env);
  console.log(
    `gateway: listening on ${gw.url} (workerd) → ${process.env.BACKEND_URL ?? 'http://127.0.0.1:8788'}; ` +
      `${trust.GATEWAY_ENV}, client address from ${trust.CLIENT_IP_SOURCE ?? 'nowhere'}${trust.CLIENT_IP_HEADER ? ` (${trust.CLIENT_IP_HEADER})` : ''}`,
  );
  const stop = async () => {
    await gw.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
