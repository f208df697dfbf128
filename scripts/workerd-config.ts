import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/** workerd's compatibility date for the gateway; keep equal to wrangler.toml. */
export const COMPATIBILITY_DATE = '2025-09-01';

/** Bundles the Worker with wrangler (no upload) into `outDir`; returns the module file names. */
export function buildGateway(outDir: string): string[] {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  execFileSync(
    process.execPath,
    [path.resolve('node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', outDir],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_LOG: 'error' },
    },
  );
  return bundleModules(outDir);
}

/** The module files of a bundle in `outDir` (not source maps, wrangler's README or a workerd config). */
export function bundleModules(outDir: string): string[] {
  return readdirSync(outDir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.endsWith('.map') && d.name !== 'README.md' && d.name !== 'workerd.capnp')
    .map((d) => path.relative(outDir, path.join(d.parentPath, d.name)));
}

const capnpString = (s: string) => JSON.stringify(s);

/**
 * Writes a workerd config that serves the bundle on `address` with text bindings. Outbound fetches
 * may reach private and loopback addresses (the backend and the Upstash bridge live there locally).
 */
export function writeWorkerdConfig(
  outDir: string,
  modules: string[],
  address: string,
  bindings: Record<string, string>,
): string {
  const mods = modules.map((m) => {
    const kind = m.endsWith('.js') || m.endsWith('.mjs') ? 'esModule' : m.endsWith('.wasm') ? 'wasm' : 'text';
    return `(name = ${capnpString(m)}, ${kind} = embed ${capnpString(m)})`;
  });
  const main = modules.includes('index.js') ? 'index.js' : modules.find((m) => m.endsWith('.js'))!;
  mods.sort((a, b) => (a.includes(`"${main}"`) ? -1 : b.includes(`"${main}"`) ? 1 : 0));
  const binds = Object.entries(bindings).map(([k, v]) => `(name = ${capnpString(k)}, text = ${capnpString(v)})`);
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "gateway", worker = .gateway),
    (name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [ (name = "http", address = ${capnpString(address)}, http = (), service = "gateway") ],
);
const gateway :Workerd.Worker = (
  modules = [ ${mods.join(', ')} ],
  compatibilityDate = ${capnpString(COMPATIBILITY_DATE)},
  compatibilityFlags = ["nodejs_compat"],
  bindings = [ ${binds.join(', ')} ],
  globalOutbound = "internet",
);
`;
  const file = path.join(outDir, 'workerd.capnp');
  writeFileSync(file, config);
  return file;
}
