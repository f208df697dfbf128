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
import { countMatching } from '../catalog/count.ts';
import { plainErrors, wholeDollars } from './page-query.ts';
import type { FieldError } from '../../../shared/errors.ts';
import { sitePagesRoutes } from './site-pages.tsx';

/** Pages accept (and ignore) parameters they do not know, such as tracking tags on shared links. */
const PageListQuery = z.object(ListQuery.shape);
const PageSearchQuery = z.object(SearchQuery.shape);
const FEATURED = 6;

/** Form values as the pages read them: amounts typed as people write them ("$2,550") become digits. */
function pageValues(values: Record<string, string>): Record<string, string> {
  if (values.min_amount === undefined) return values;
  const amount = wholeDollars(values.min_amount);
  return amount
    ? { ...values, min_amount: amount }
    : Object.fromEntries(Object.entries(values).filter(([k]) => k !== 'min_amount'));
}

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
    const values = pageValues(formQuery(c));
    const params = new URLSearchParams(values);
    const parsed = PageListQuery.safeParse(values);
    const refuse = (errors: FieldError[]) =>
      renderPage(
        c,
        ListPage({ items: [], nextCursor: null, params, values, errors: plainErrors(errors), publicUrl }),
        400,
      );
    if (!parsed.success) return refuse(zodFieldErrors(parsed.error));
    try {
      const [page, count] = await Promise.all([
        listScholarships(deps.db, parsed.data, day()),
        countMatching(deps.db, parsed.data, day()),
      ]);
      return renderPage(
        c,
        ListPage({ items: page.items, nextCursor: page.next_cursor, params, values, publicUrl, count }),
      );
    } catch (e) {
      if (e instanceof ProblemError && e.errors) return refuse(e.errors);
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
    const values = pageValues(formQuery(c));
    const params = new URLSearchParams(values);
    if (!values.q) return renderPage(c, SearchResultsPage({ q: '', page: null, params, values }));
    const q = values.q.slice(0, 200);
    const refuse = (errors: FieldError[]) =>
      renderPage(
        c,
        SearchResultsPage({ q, page: null, params, values: { ...values, q }, errors: plainErrors(errors) }),
        400,
      );
    const parsed = PageSearchQuery.safeParse(values);
    if (!parsed.success) return refuse(zodFieldErrors(parsed.error));
    try {
      // The count comes from the search's own statement, for the query it ran (corrected or typed):
      // a second scan of the same matches cost about half as much again as the search.
      const page = await searchScholarships(deps.db, parsed.data, day(), { withCount: true });
      return renderPage(c, SearchResultsPage({ q: parsed.data.q, page, params, values, count: page.count }));
    } catch (e) {
      if (e instanceof ProblemError && e.errors) return refuse(e.errors);
      throw e;
    }
  });

  return app;
}
