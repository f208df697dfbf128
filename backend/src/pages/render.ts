import type { Context } from 'hono';

/** Sends a server-rendered page (with its doctype) as HTML. */
export async function renderPage(c: Context, page: unknown, status: 200 | 400 | 404 = 200): Promise<Response> {
  const body = String(await page);
  return c.html(`<!doctype html>${body}`, status);
}

/** Query parameters of a GET form: empty values ("Any") mean "not set". */
export function formQuery(c: Context): Record<string, string> {
  return Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
}
