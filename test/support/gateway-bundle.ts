import { rmSync } from 'node:fs';
import path from 'node:path';
import { buildGateway } from '../../scripts/workerd-config.ts';

/** Where the e2e run's one Worker bundle lives; each gateway copies it into its own directory. */
const BUNDLE_DIR = path.resolve(`.wrangler/test-bundle-${process.pid}`);

/**
 * e2e globalSetup: bundles the Worker once per test run (wrangler takes ~2.6 s a build; the e2e
 * files start about ten gateways). Rule-file overrides (GATEWAY_RULES_DIR) are applied to each
 * gateway's copy, so one bundle serves every rules directory.
 */
export default function setup({ provide }: { provide: (key: string, value: unknown) => void }) {
  buildGateway(BUNDLE_DIR);
  provide('gatewayBundle', BUNDLE_DIR);
  return () => rmSync(BUNDLE_DIR, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    gatewayBundle: string;
  }
}
