import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';

/** Routes of the payments domain. */
export function paymentsRoutes(deps: AppDeps) {
  void deps;
  const app = new Hono();
  return app;
}
