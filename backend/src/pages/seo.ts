import { Hono } from 'hono';
import { asc, count, eq } from 'drizzle-orm';
import type { AppDeps } from '../deps.ts';
import { scholarships as s } from '../db/schema/index.ts';

/** The sitemaps.org limit of URLs per file; above it /sitemap.xml becomes an index of parts. */
const SITEMAP_MAX_URLS = 50_000;
/**
 * Public pages besides scholarship pages.
 * @internal exported for its tests
 */
export const STATIC_PATHS = ['/', '/scholarships', '/privacy', '/terms', '/contact'];

const xmlEscape = (t: string) => t.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const XML = { 'content-type': 'application/xml; charset=utf-8', 'cache-control': 'public, max-age=3600' };

function robotsTxt(publicUrl: string): string {
  return [
    'User-agent: *',
    'Allow: /',
    'Disallow: /api/',
    'Disallow: /provider',
    'Disallow: /search',
    '',
    `Sitemap: ${new URL('/sitemap.xml', publicUrl)}`,
    '',
  ].join('\n');
}

function urlset(entries: { loc: string; lastmod?: string }[]): string {
  const urls = entries.map(
    (e) => `<url><loc>${xmlEscape(e.loc)}</loc>${e.lastmod ? `<lastmod>${e.lastmod}</lastmod>` : ''}</url>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

/**
 * robots.txt and sitemaps. Every published scholarship page is listed with its `lastmod`; up to
 * `pageSize` URLs it is one urlset, beyond that /sitemap.xml is an index of /sitemaps/N.xml parts
 * (part 1 also carries the static pages). `pageSize` is injectable so tests can cross the limit.
 */
export function seoRoutes(deps: AppDeps, opts: { pageSize?: number } = {}) {
  const pageSize = opts.pageSize ?? SITEMAP_MAX_URLS;
  const abs = (path: string) => new URL(path, deps.env.PUBLIC_URL).toString();
  const app = new Hono();

  async function part(n: number): Promise<string> {
    const staticEntries = n === 1 ? STATIC_PATHS.map((p) => ({ loc: abs(p) })) : [];
    const offset = Math.max(0, (n - 1) * pageSize - STATIC_PATHS.length);
    const take = pageSize - staticEntries.length;
    const rows = await deps.db
      .select({ slug: s.slug, updatedAt: s.updatedAt })
      .from(s)
      .where(eq(s.published, true))
      .orderBy(asc(s.id))
      .limit(take)
      .offset(offset);
    return urlset([
      ...staticEntries,
      ...rows.map((r) => ({ loc: abs(`/scholarships/${r.slug}`), lastmod: r.updatedAt.toISOString() })),
    ]);
  }

  async function partCount(): Promise<number> {
    const [{ n }] = await deps.db.select({ n: count() }).from(s).where(eq(s.published, true));
    return Math.max(1, Math.ceil((Number(n) + STATIC_PATHS.length) / pageSize));
  }

  app.get('/robots.txt', (c) =>
    c.text(robotsTxt(deps.env.PUBLIC_URL), 200, { 'cache-control': 'public, max-age=3600' }),
  );

  app.get('/sitemap.xml', async (c) => {
    const parts = await partCount();
    if (parts === 1) return c.body(await part(1), 200, XML);
    const list = Array.from(
      { length: parts },
      (_, i) => `<sitemap><loc>${xmlEscape(abs(`/sitemaps/${i + 1}.xml`))}</loc></sitemap>`,
    );
    return c.body(
      `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${list.join('\n')}\n</sitemapindex>\n`,
      200,
      XML,
    );
  });

  app.get('/sitemaps/:file{[0-9]{1,6}\\.xml}', async (c) => {
    const n = Number(c.req.param('file').replace('.xml', ''));
    if (n < 1 || n > (await partCount())) return c.notFound();
    return c.body(await part(n), 200, XML);
  });

  return app;
}
