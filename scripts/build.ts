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
} as const;

/** `--outdir DIR` builds elsewhere (tests build into a temporary folder). */
const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
const started = Date.now();
const result = await build({
  entryPoints: ENTRIES,
  outdir: values.outdir,
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
const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
console.log(`build: ${outputs.join(', ')} in ${Date.now() - started} ms`);
