import { rmSync } from 'node:fs';
import path from 'node:path';
import { buildBackend } from '../../scripts/build.ts';

/** Inside the checkout (git-ignored), so the build finds drizzle/ and node_modules/ as `dist/` does. */
const BUILD_DIR = path.resolve(`.artifacts/e2e-backend-${process.pid}`);

/**
 * e2e globalSetup: builds the backend once per test run (`npm run build`'s esbuild step, ~0.3 s), so
 * the e2e backends start with plain node. Under tsx each start cost ~1.3 s of CPU more (the loader
 * transforms and resolves every module); the e2e files start about 25 backends.
 */
export default async function setup({ provide }: { provide: (key: string, value: unknown) => void }) {
  await buildBackend(BUILD_DIR);
  provide('backendServer', path.join(BUILD_DIR, 'server.js'));
  return () => rmSync(BUILD_DIR, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    backendServer: string;
  }
}
