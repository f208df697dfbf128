import { createApp } from '../../backend/src/app.ts';
import { parseEnv, type Env } from '../../backend/src/env.ts';
import { ephemeralSigningKeys } from './signing-keys.ts';
import { createLogger } from '../../backend/src/logger.ts';
import type { AppDeps } from '../../backend/src/deps.ts';
import { signedRequestInit, TEST_GATEWAY_SECRET } from './sign.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export { TEST_GATEWAY_SECRET };

export interface TestBackend {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  database: TestDatabase;
  /** Calls the app as the gateway would: signed, with a request id. */
  request(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The backend app on its own fresh Postgres database, with in-memory signing keys. Override env
 * values or the clock with `opts`.
 */
export async function createTestBackend(
  opts: { env?: Record<string, string>; now?: () => Date } = {},
): Promise<TestBackend> {
  const database = await createTestDatabase();
  const env: Env = parseEnv({
    GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    ...opts.env,
  });
  const deps: AppDeps = {
    db: database.db,
    env,
    log: createLogger(env.LOG_LEVEL),
    keys: await ephemeralSigningKeys(),
    now: opts.now ?? (() => new Date()),
  };
  const app = createApp(deps);
  return {
    app,
    deps,
    database,
    async request(path, init = {}) {
      const { json, token, ...rest } = init;
      const headers = new Headers(rest.headers);
      const requestId = crypto.randomUUID();
      if (json !== undefined) {
        headers.set('content-type', 'application/json');
        rest.body = JSON.stringify(json);
        rest.method ??= 'POST';
      }
      if (token) headers.set('authorization', `Bearer ${token}`);
      const url = new URL(path, 'http://backend.test');
      return app.request(url.toString(), await signedRequestInit(url, { ...rest, headers }, requestId));
    },
    close: () => database.close(),
  };
}
