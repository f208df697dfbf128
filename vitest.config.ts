import { defineConfig } from 'vitest/config';
import { defineWorkersProject } from '@cloudflare/vitest-pool-workers/config';
import { availableParallelism } from 'node:os';

/** Backend worker threads: at least two (its files mostly wait on Postgres), more on larger machines. */
const BACKEND_THREADS = Math.max(2, availableParallelism() - 1);
/**
 * e2e files at a time: two. Each file starts its own processes on free ports, its own database and
 * Redis key prefix, so two at once share no state; on 2 CPUs it takes `npm test` from ~120 s to
 * ~95-100 s. A test that counts limits through Redis gives its stack Redis timeouts of seconds
 * (`limitsWithTimeouts`, test/support/limits-rules.ts): the production rules' 150-250 ms were once
 * missed on a busy machine (a login refused 503 instead of counted). Raise it on larger machines.
 */
const E2E_FORKS = 2;

/**
 * The suite hashes passwords at scrypt N=2^12 instead of production's 2^15 (~170 ms each on 2 CPUs,
 * ~300 hashes a run): the same code and format, an eighth of the memory and time. The timing test
 * that needs the real cost sets it itself (backend/src/auth/api-routes.test.ts); `npm run gate` and
 * the image test run at the production default.
 */
const SUITE_ENV = { PASSWORD_SCRYPT_LOG2N: '12' };

/**
 * Three projects, one `npm test`, each in its own pool so the three run side by side (Vitest runs
 * different pools concurrently, but within the forks pool it runs every multi-fork file before the
 * first single-fork one):
 * - `backend`: Node tests against the real Postgres (each file in its own database), in worker
 *   threads that stay up across files (isolate off: each file re-imports only itself).
 * - `gateway`: tests inside workerd through Cloudflare's Workers pool.
 * - `e2e`: cross-process tests (gateway on workerd + backend + Redis + Postgres), E2E_FORKS files
 *   at a time in forks that stay up across files (isolate off, as for `backend`).
 */
export default defineConfig({
  test: {
    // Pool-wide options are only read from the root config. `backend` is the only threads project,
    // `e2e` the forks one in `npm test` (`gate` keeps one fork; `image` has one file).
    poolOptions: {
      threads: { isolate: false, minThreads: 1, maxThreads: BACKEND_THREADS },
      forks: { minForks: 1, maxForks: E2E_FORKS, isolate: false },
    },
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
          pool: 'threads',
          isolate: false,
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/fresh-ops-window.ts', 'test/support/password-cost.ts'],
          env: SUITE_ENV,
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
              // The Worker has no storage binding (KV, Durable Objects, D1, R2), so there is nothing to
              // isolate; the per-test push/pop of the storage stack went over the loopback and failed
              // with "Network connection lost" under load.
              isolatedStorage: false,
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
          globalSetup: [
            'test/support/global-setup.ts',
            'test/support/gateway-bundle.ts',
            'test/support/backend-build.ts',
          ],
          pool: 'forks',
          isolate: false,
          setupFiles: ['test/support/password-cost.ts'],
          env: SUITE_ENV,
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
