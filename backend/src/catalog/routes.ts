import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';

/** Routes of the catalog domain. */
export function catalogRoutes(deps: AppDeps) {
  void deps;
  const app = new Hono();
  return app;
}
