/**
 * `npm run build`: compiles the backend and its release commands to plain JavaScript under
 * `dist/` so production runs them with `node` (no tsx at runtime). Dependencies stay external:
 * the image installs them with `npm ci --omit=dev`.
 */
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

/** Entry points: what a production host runs. Each becomes `dist/<name>.js`. */
const ENTRIES = {
  server: 'backend/src/server.ts',
  'db-migrate': 'scripts/db-migrate.ts',
  reconcile: 'scripts/reconcile.ts',
  /** Operators run it daily with reconcile (docs/deploy-trust.md): `node dist/ledger-verify.js`. */
  'ledger-verify': 'scripts/ledger-verify.ts',
} as const;

/**
 * Builds the entries into `outdir` (inside the checkout, so `drizzle/` and `node_modules/` are found
 * above it) and returns the output files. The e2e suite builds once per run this way
 * (test/support/backend-build.ts).
 */
export async function buildBackend(outdir: string): Promise<string[]> {
  const result = await build({
    entryPoints: ENTRIES,
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: true,
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    logLevel: 'warning',
    metafile: true,
  });
  return Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  /** `--outdir DIR` builds elsewhere (tests build into a temporary folder). */
  const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
  const started = Date.now();
  const outputs = await buildBackend(values.outdir);
  console.log(`build: ${outputs.join(', ')} in ${Date.now() - started} ms`);
}
