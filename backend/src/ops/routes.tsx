import { Hono, type Context } from 'hono';
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../deps.ts';
import { rowsOf } from '../db/client.ts';
import { problemResponse } from '../http/problem.ts';
import { opsViewer } from './access.ts';
import { OpsDashboardPage } from './dashboard-views.tsx';
import { RequestLogsPage } from './request-views.tsx';
import { rowsOfRequest } from '../payments/request-trace.ts';
import { StatusPage } from './status-view.tsx';
import { recentFailures } from './failed-requests.ts';
import { createOpsRuntime } from './ops-runtime.ts';
import { WINDOWS, type WindowName } from './window.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

function html(c: Context, page: unknown) {
  c.header('cache-control', 'no-store');
  return c.html(`<!doctype html>${String(page)}`);
}

/**
 * Health (`/healthz` process up, `/readyz` database migrated) and the ops surface: the status as
 * JSON (`/api/ops/status`), the dashboard (`/ops`, admins) and the internal status page
 * (`/status`, admins or OPS_STATUS_ALLOWLIST addresses).
 */
export function opsRoutes(deps: AppDeps) {
  const app = new Hono();
  const ops = createOpsRuntime(deps);
  const windowOf = (c: Context): WindowName => {
    const w = c.req.query('window');
    return w && w in WINDOWS ? (w as WindowName) : ops.alerts.window;
  };

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

  app.get('/api/ops/status', async (c) => {
    const who = await opsViewer(c, deps, { page: false, qa: ops.qa });
    if (!who) return problemResponse(c, 'FORBIDDEN', { detail: 'Admins, QA addresses or the metrics token only' });
    const { status } = await ops.read(windowOf(c));
    c.header('cache-control', 'no-store');
    return c.json(status);
  });

  app.get('/ops', async (c) => {
    if (!(await opsViewer(c, deps, { page: true }))) return c.redirect('/login', 303);
    const { numbers, status } = await ops.read(windowOf(c));
    return html(c, <OpsDashboardPage numbers={numbers} status={status} failed={recentFailures()} />);
  });

  app.get('/ops/requests/:id', async (c) => {
    if (!(await opsViewer(c, deps, { page: true }))) return c.redirect('/login', 303);
    const id = c.req.param('id');
    if (!REQUEST_ID.test(id)) return problemResponse(c, 'NOT_FOUND');
    return html(c, <RequestLogsPage id={id} rows={await rowsOfRequest(deps.db, id)} />);
  });

  app.get('/status', async (c) => {
    if (!(await opsViewer(c, deps, { page: true, qa: ops.qa }))) return c.redirect('/login', 303);
    const { status } = await ops.read(windowOf(c));
    return html(c, <StatusPage status={status} />);
  });

  return app;
}
