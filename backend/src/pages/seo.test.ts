import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { seedDemo } from '../db/seed.ts';
import { rowsOf } from '../db/client.ts';
import { STATIC_PATHS, seoRoutes } from './seo.ts';
import { TEST_DAY, TEST_NOW } from '../../../test/support/catalog-fixtures.ts';

let t: TestBackend;
const PUBLIC = 'https://edge.example.org';

beforeAll(async () => {
  t = await createTestBackend({ now: TEST_NOW, env: { PUBLIC_URL: PUBLIC } });
  await seedDemo(t.deps.db, { count: 45, anchor: new Date(`${TEST_DAY}T00:00:00Z`) });
});
afterAll(() => t?.close());

/** Parses with Postgres' XML parser (libxml2): throws unless well-formed; returns the <loc>s and <lastmod>s. */
async function parseSitemap(xml: string) {
  const ns = sql`array[array['s', 'http://www.sitemaps.org/schemas/sitemap/0.9']]`;
  const [r] = rowsOf<{ locs: string[]; lastmods: string[]; root: string[] }>(
    await t.deps.db.execute(sql`
    with d as (select xmlparse(document ${xml}) as x)
    select xpath('//s:loc/text()', x, ${ns})::text[] as locs, xpath('//s:lastmod/text()', x, ${ns})::text[] as lastmods,
      xpath('name(/*)', x)::text[] as root from d`),
  );
  return r;
}

describe('robots.txt and sitemaps', () => {
  it('robots.txt allows pages, disallows the API and the portal, points at the sitemap', async () => {
    const r = await t.request('/robots.txt');
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).toMatch(/^User-agent: \*$/m);
    expect(text).toMatch(/^Disallow: \/api\/$/m);
    expect(text).toMatch(/^Disallow: \/provider$/m);
    expect(text).toContain(`Sitemap: ${PUBLIC}/sitemap.xml`);
  });

  it('sitemap.xml lists every published scholarship with lastmod', async () => {
    const r = await t.request('/sitemap.xml');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('xml');
    const parsed = await parseSitemap(await r.text());
    expect(parsed.root).toEqual(['urlset']);
    const published = rowsOf<{ slug: string }>(
      await t.deps.db.execute(sql`select slug from scholarships where published`),
    ).map((x) => `${PUBLIC}/scholarships/${x.slug}`);
    const locs = parsed.locs.filter((l) => l.includes('/scholarships/'));
    expect(locs.sort()).toEqual(published.sort());
    expect(parsed.lastmods).toHaveLength(published.length);
    for (const m of parsed.lastmods) expect(Number.isNaN(Date.parse(m))).toBe(false);
  });

  it('becomes an index of parts above the page size, and the parts cover every URL once', async () => {
    const app = seoRoutes(t.deps, { pageSize: 10 });
    const index = await parseSitemap(await (await app.request('/sitemap.xml')).text());
    expect(index.root).toEqual(['sitemapindex']);
    const total =
      rowsOf<{ n: number }>(
        await t.deps.db.execute(sql`select count(*)::int as n from scholarships where published`),
      )[0].n + STATIC_PATHS.length;
    expect(index.locs).toHaveLength(Math.ceil(total / 10));
    const all: string[] = [];
    for (const loc of index.locs) {
      const path = new URL(loc).pathname;
      const part = await app.request(path);
      expect(part.status).toBe(200);
      const p = await parseSitemap(await part.text());
      expect(p.locs.length).toBeLessThanOrEqual(10);
      all.push(...p.locs);
    }
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    expect((await app.request(`/sitemaps/${index.locs.length + 1}.xml`)).status).toBe(404);
    expect((await app.request('/sitemaps/0.xml')).status).toBe(404);
  });
});
