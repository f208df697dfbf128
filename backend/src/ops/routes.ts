import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../deps.ts';
import { rowsOf } from '../db/client.ts';
import { problemResponse } from '../http/problem.ts';

/** Health: `/healthz` says the process is up; `/readyz` that the database answers and is migrated. */
export function opsRoutes(deps: AppDeps) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      const rows = await deps.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const n = Number(rowsOf<{ n: number }>(rows)[0]?.n ?? 0);
      if (n === 0) return problemResponse(c, 'SERVICE_UNAVAILABLE', { detail: 'migrations not applied' });
      return c.json({ status: 'ready', database: 'ok', migrations: n });
    } catch {
      return problemResponse(c, 'SERVICE_UNAVAILABLE', { detail: 'database unreachable' });
    }
  });
  return app;
}
