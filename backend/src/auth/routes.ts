import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';
import { authApiRoutes } from './api-routes.ts';
import { meRoutes } from '../me/routes.ts';
import { mailTransportFor } from '../mail/index.ts';
import { devMailboxRoutes } from '../mail/dev-mailbox-routes.ts';
import { resetApiRoutes } from './reset-routes.ts';
import { authPageRoutes } from './pages.tsx';

/**
 * Routes of the auth domain: the JSON API, /api/me, password reset, the dev mailbox and the
 * login/signup/reset pages. Mounted at '/' by app.ts. No `use('*')` here: a wildcard middleware
 * in a sub-app mounted at '/' would run for every route of the app.
 */
export function authRoutes(deps: AppDeps) {
  const mail = mailTransportFor(deps);
  const app = new Hono();
  app.route('/', authApiRoutes(deps, mail));
  app.route('/', resetApiRoutes(deps, mail));
  app.route('/', meRoutes(deps));
  app.route('/', devMailboxRoutes(deps));
  app.route('/', authPageRoutes(deps, mail));
  return app;
}
