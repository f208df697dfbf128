import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';

/** Routes of the providers domain. */
export function providersRoutes(deps: AppDeps) {
  void deps;
  const app = new Hono();
  return app;
}
