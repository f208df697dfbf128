import type { MiddlewareHandler } from 'hono';
import { createContext, useContext } from 'hono/jsx';
import type { AppDeps } from '../deps.ts';
import { pageSession } from '../auth/page-session.ts';
import type { Role } from '../auth/tokens.ts';

/** Who is looking at a page: shown in the header, and what /account and /provider act for. */
export interface Viewer {
  id: string;
  email?: string;
  role: Role;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** Resolves the page's logged-in user once per request (see `viewerResolver`). */
    viewer: () => Promise<Viewer | undefined>;
  }
}

/**
 * Sets `c.var.viewer`, a lazy, memoised lookup of the logged-in user. Lazy on purpose: only a page
 * render calls it, so sub-resources (favicon, robots.txt) loaded in parallel with a navigation never
 * rotate the refresh token (rotation is strict, and a parallel second rotation would be taken for
 * token theft). API routes never call it either: they authenticate with `requireAuth`.
 *
 * @example app.use(viewerResolver(deps)); const who = await c.var.viewer();
 */
export function viewerResolver(deps: AppDeps): MiddlewareHandler {
  return async function viewerResolver(c, next) {
    let found: Promise<Viewer | undefined> | undefined;
    c.set('viewer', () => {
      found ??= pageSession(c, deps).then((claims) =>
        claims ? { id: claims.sub, email: claims.email, role: claims.role } : undefined,
      );
      return found;
    });
    await next();
  };
}

/** What the layout needs to know about the request while a page renders (`renderPage` provides it). */
export interface PageRequest {
  viewer?: Viewer;
  /** Path and query of this page: where "Log in" returns to. */
  here: string;
}
export const PageRequestContext = createContext<PageRequest>({ here: '/' });
export const usePageRequest = () => useContext(PageRequestContext);
