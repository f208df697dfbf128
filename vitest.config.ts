import { defineConfig } from 'vitest/config';
import { defineWorkersProject } from '@cloudflare/vitest-pool-workers/config';

/**
 * Three projects, one `npm test`:
 * - `backend`: Node tests against the real Postgres (each file in its own database).
 * - `gateway`: tests inside workerd through Cloudflare's Workers pool.
 * - `e2e`: cross-process tests (gateway on workerd + backend + Redis + Postgres), run one file at a time.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'backend',
          include: [
            'backend/**/*.test.ts',
            'shared/**/*.test.ts',
            'scripts/**/*.test.ts',
            'test/contract/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      defineWorkersProject({
        test: {
          name: 'gateway',
          include: ['gateway/**/*.test.ts'],
          poolOptions: {
            workers: {
              singleWorker: true,
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  GATEWAY_SHARED_SECRET: 'test-gateway-secret-0123456789',
                  BACKEND_URL: 'http://127.0.0.1:1',
                  // Development trust: tests set CF-Connecting-IP themselves (docs/rules/access.md).
                  GATEWAY_ENV: 'development',
                  CLIENT_IP_SOURCE: 'header',
                  CLIENT_IP_HEADER: 'cf-connecting-ip',
                },
              },
            },
          },
        },
      }),
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts', 'test/support/gateway-bundle.ts'],
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Runs `npm run gate` (GO, and NO-GO under each sabotage): `npm run test:gate`, run by .ci/run.
        test: {
          name: 'gate',
          include: ['test/gate/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 420_000,
        },
      },
      {
        // Replays the Dockerfile (two clean npm installs): `npm run test:image`, run by .ci/run after `npm test`.
        test: {
          name: 'image',
          include: ['test/image/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 300_000,
        },
      },
    ],
  },
});
