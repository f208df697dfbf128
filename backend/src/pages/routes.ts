import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import { ListQuery, SearchQuery } from '../catalog/query.ts';
import { listScholarships, findBySlug } from '../catalog/list.ts';
import { searchScholarships } from '../catalog/search.ts';
import { today } from '../catalog/filters.ts';
import { SLUG } from '../catalog/routes.ts';
import { zodFieldErrors } from '../http/validate.ts';
import { ProblemError } from '../http/problem.ts';
import { renderPage, formQuery, viewerOf } from './render.ts';
import { eq } from 'drizzle-orm';
import { providers } from '../db/schema/index.ts';
import { isSaved } from '../account/saved.ts';
import { HomePage, ListPage, SearchResultsPage, DetailPage, NotFoundPage } from './catalog-pages.tsx';
import { seoRoutes } from './seo.ts';
import { sitePagesRoutes } from './site-pages.tsx';

/** Pages accept (and ignore) parameters they do not know, such as tracking tags on shared links. */
const PageListQuery = z.object(ListQuery.shape);
const PageSearchQuery = z.object(SearchQuery.shape);
const FEATURED = 6;

/**
 * Server-rendered pages for browsers and crawlers, plus robots.txt and the sitemaps. The provider
 * dashboard (/provider) and the login/signup/reset pages live in auth/pages.tsx.
 */
export function pagesRoutes(deps: AppDeps) {
  const app = new Hono();
  const day = () => today(deps.now());
  const publicUrl = deps.env.PUBLIC_URL;

  app.route('/', seoRoutes(deps));
  app.route('/', sitePagesRoutes(deps));

  app.get('/', async (c) => {
    const [featured, soon] = await Promise.all([
      listScholarships(deps.db, { sort: 'amount', limit: FEATURED }, day()),
      listScholarships(deps.db, { sort: 'deadline', limit: FEATURED }, day()),
    ]);
    return renderPage(c, HomePage({ featured: featured.items, closingSoon: soon.items, publicUrl }));
  });

  app.get('/scholarships', async (c) => {
    const values = formQuery(c);
    const params = new URLSearchParams(values);
    const parsed = PageListQuery.safeParse(values);
    if (!parsed.success) {
      return renderPage(
        c,
        ListPage({ items: [], nextCursor: null, params, values, errors: zodFieldErrors(parsed.error), publicUrl }),
        400,
      );
    }
    try {
      const page = await listScholarships(deps.db, parsed.data, day());
      return renderPage(c, ListPage({ items: page.items, nextCursor: page.next_cursor, params, values, publicUrl }));
    } catch (e) {
      if (e instanceof ProblemError && e.errors)
        return renderPage(
          c,
          ListPage({ items: [], nextCursor: null, params, values, errors: e.errors, publicUrl }),
          400,
        );
      throw e;
    }
  });

  app.get('/scholarships/:slug', async (c) => {
    const slug = c.req.param('slug');
    const [s, viewer] = await Promise.all([SLUG.test(slug) ? findBySlug(deps.db, slug) : null, viewerOf(c)]);
    if (!s) return renderPage(c, NotFoundPage(), 404);
    const [[provider], saved] = await Promise.all([
      deps.db.select({ website: providers.website }).from(providers).where(eq(providers.id, s.provider.id)),
      viewer?.role === 'student' ? isSaved(deps.db, viewer.id, s.id) : undefined,
    ]);
    return renderPage(
      c,
      DetailPage({
        s,
        publicUrl,
        today: day(),
        website: provider?.website ?? null,
        saved,
        anonymous: !viewer,
      }),
    );
  });

  app.get('/search', async (c) => {
    const values = formQuery(c);
    const params = new URLSearchParams(values);
    if (!values.q) return renderPage(c, SearchResultsPage({ q: '', page: null, params, values }));
    const parsed = PageSearchQuery.safeParse(values);
    if (!parsed.success) {
      return renderPage(
        c,
        SearchResultsPage({
          q: values.q.slice(0, 200),
          page: null,
          params,
          values: { ...values, q: values.q.slice(0, 200) },
          errors: zodFieldErrors(parsed.error),
        }),
        400,
      );
    }
    try {
      const page = await searchScholarships(deps.db, parsed.data, day());
      return renderPage(c, SearchResultsPage({ q: parsed.data.q, page, params, values }));
    } catch (e) {
      if (e instanceof ProblemError && e.errors)
        return renderPage(
          c,
          SearchResultsPage({ q: parsed.data.q, page: null, params, values, errors: e.errors }),
          400,
        );
      throw e;
    }
  });

  return app;
}
