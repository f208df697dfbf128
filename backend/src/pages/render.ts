import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { jsx } from 'hono/jsx';
import { PageRequestContext, type Viewer } from './viewer.ts';

/** The viewer of this request, when a `viewerResolver` runs in front (always, in the app). */
export async function viewerOf(c: Context): Promise<Viewer | undefined> {
  const resolve = c.get('viewer');
  return resolve ? resolve() : undefined;
}

/**
 * Sends a server-rendered page (with its doctype) as HTML, inside the page-request context the
 * layout reads (who is logged in, where "Log in" returns to). A page for a logged-in viewer names
 * them, so no shared cache may keep it.
 */
export async function renderPage(c: Context, page: unknown, status: ContentfulStatusCode = 200): Promise<Response> {
  const viewer = await viewerOf(c);
  const url = new URL(c.req.url);
  const here = url.pathname + url.search;
  const body = String(await jsx(PageRequestContext.Provider, { value: { viewer, here } }, page as never));
  if (viewer) c.header('cache-control', 'private, no-store');
  return c.html(`<!doctype html>${body}`, status);
}

/** Query parameters of a GET form: empty values ("Any") mean "not set". */
export function formQuery(c: Context): Record<string, string> {
  return Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
}
