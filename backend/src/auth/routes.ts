import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';

/** Routes of the auth domain. */
export function authRoutes(deps: AppDeps) {
  void deps;
  const app = new Hono();
  return app;
}
