import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';

/** Routes of the pages domain. */
export function pagesRoutes(deps: AppDeps) {
  void deps;
  const app = new Hono();
  return app;
}
