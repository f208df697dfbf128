import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';
import { authApiRoutes } from './api-routes.ts';
import { meRoutes } from '../me/routes.ts';

/**
 * Routes of the auth domain: the JSON API, /api/me, password reset, the dev mailbox and the
 * login/signup/reset pages. Mounted at '/' by app.ts. No `use('*')` here: a wildcard middleware
 * in a sub-app mounted at '/' would run for every route of the app.
 */
export function authRoutes(deps: AppDeps) {
  const app = new Hono();
  app.route('/', authApiRoutes(deps));
  app.route('/', meRoutes(deps));
  return app;
}
