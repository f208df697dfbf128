import { Hono, type Context } from 'hono';
import { eq } from 'drizzle-orm';
import type { AppDeps } from '../deps.ts';
import { renderPage } from '../pages/render.ts';
import { sameOrigin } from '../auth/csrf.ts';
import { readFormFields } from '../auth/form.ts';
import { pageSession } from '../auth/page-session.ts';
import { today } from '../catalog/filters.ts';
import { providers, users } from '../db/schema/index.ts';
import { ProblemError } from '../http/problem.ts';
import { DetailPage } from '../pages/catalog-pages.tsx';
import { listingValues, readListingForm, type ListingFormValues } from './listing-form.ts';
import { ListingFormPage, PortalHomePage, PreviewBanner } from './portal-views.tsx';
import { createListing, getOwn, listOwn, updateListing, type ListingStatus } from './service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Listings on the portal page; the API pages through more. */
const PORTAL_LISTINGS = 100;
/** Status buttons → the state they move a listing to. */
const ACTION_STATUS: Record<string, ListingStatus> = { publish: 'published', close: 'closed', draft: 'draft' };
const NOTICES: Record<string, string> = {
  published: 'Published: students can now find it.',
  closed: 'Closed: it is no longer listed.',
  draft: 'Unpublished: it is a draft again.',
};
const EMPTY: ListingFormValues = {
  title: '',
  description: '',
  amount: '',
  deadline: '',
  levels: [],
  fields: [],
  min_gpa: '',
  states: '',
  citizenship: [],
  essay_required: false,
};

async function send(c: Context, page: unknown, status: 200 | 400 | 404 = 200) {
  const res = await renderPage(c, page, status);
  res.headers.set('cache-control', 'no-store');
  return res;
}

/**
 * The provider portal's pages: create, edit, preview (drafts are visible to their provider only),
 * publish, close. Forms post without JavaScript, behind the same-origin CSRF check; validation is
 * the API's schema with plain-language messages; descriptions are sanitised when rendered.
 */
export function providerPortalRoutes(deps: AppDeps) {
  const app = new Hono();
  const csrf = sameOrigin(deps.env.PUBLIC_URL);

  /** The provider account behind a page, or the redirect to the provider login. */
  async function provider(c: Context) {
    const claims = await pageSession(c, deps);
    if (!claims || (claims.role !== 'provider' && claims.role !== 'admin')) return c.redirect('/provider/login', 303);
    const [u] = await deps.db
      .select({ name: users.name, email: users.email, providerId: users.providerId, organisation: providers.name })
      .from(users)
      .leftJoin(providers, eq(providers.id, users.providerId))
      .where(eq(users.id, claims.sub));
    return u ?? c.redirect('/provider/login', 303);
  }
  type Account = Exclude<Awaited<ReturnType<typeof provider>>, Response>;
  const own = (a: Account) => {
    if (!a.providerId) throw new ProblemError('FORBIDDEN', 'This account is not linked to a provider organisation');
    return a.providerId;
  };
  const listingId = (raw: string) => {
    if (!UUID.test(raw)) throw new ProblemError('NOT_FOUND', 'No listing of yours has this id');
    return raw.toLowerCase();
  };

  app.get('/provider', async (c) => {
    const a = await provider(c);
    if (a instanceof Response) return a;
    const listings = a.providerId ? (await listOwn(deps.db, a.providerId, { limit: PORTAL_LISTINGS })).items : [];
    const notice = NOTICES[c.req.query('done') ?? ''];
    return send(
      c,
      <PortalHomePage name={a.name} email={a.email} organisation={a.organisation} listings={listings} notice={notice} />,
    );
  });

  app.get('/provider/scholarships/new', async (c) => {
    const a = await provider(c);
    if (a instanceof Response) return a;
    own(a);
    return send(c, <ListingFormPage action="/provider/scholarships" heading="Create a scholarship" values={EMPTY} />);
  });

  app.post('/provider/scholarships', csrf, async (c) => {
    const a = await provider(c);
    if (a instanceof Response) return a;
    const form = await readListingForm(c);
    if (!form.ok)
      return send(
        c,
        <ListingFormPage action="/provider/scholarships" heading="Create a scholarship" values={form.values} errors={form.errors} />,
        400,
      );
    // New listings start as drafts: the provider previews, then publishes.
    const l = await createListing(deps.db, own(a), { ...form.data, published: false, status: 'draft' });
    return c.redirect(`/provider/scholarships/${l.id}/preview?saved=1`, 303);
  });

  app.get('/provider/scholarships/:id/edit', async (c) => {
    const a = await provider(c);
    if (a instanceof Response) return a;
    const l = await getOwn(deps.db, own(a), listingId(c.req.param('id')));
    return send(
      c,
      <ListingFormPage action={`/provider/scholarships/${l.id}`} heading={`Edit: ${l.title}`} values={listingValues(l)} />,
    );
  });

  app.post('/provider/scholarships/:id', csrf, async (c) => {
    const a = await provider(c);
    if (a instanceof Response) return a;
    const l = await getOwn(deps.db, own(a), listingId(c.req.param('id')));
    const form = await readListingForm(c);
    if (!form.ok)
      return send(
        c,
        <ListingFormPage action={`/provider/scholarships/${l.id}`} heading={`Edit: ${l.title}`} values={form.values} errors={form.errors} />,
        400,
      );
    // The form edits the content; publishing and closing are their own buttons.
    const { published: _p, status: _s, ...content } = form.data;
    await updateListing(deps.db, own(a), l.id, content);
    return c.redirect(`/provider/scholarships/${l.id}/preview?saved=1`, 303);
  });

  app.get('/provider/scholarships/:id/preview', async (c) => {
    const a = await provider(c);
    if (a instanceof Response) return a;
    const l = await getOwn(deps.db, own(a), listingId(c.req.param('id')));
    // Exactly the public page, with the provider's banner on top and kept out of search engines.
    const [org] = await deps.db
      .select({ website: providers.website })
      .from(providers)
      .where(eq(providers.id, l.provider.id));
    const rendered = await renderPage(
      c,
      <DetailPage
        s={l}
        publicUrl={deps.env.PUBLIC_URL}
        today={today(deps.now())}
        website={org?.website ?? null}
        anonymous={false}
      />,
    );
    const banner = String(await (<PreviewBanner l={l} saved={c.req.query('saved') === '1'} />));
    const html = (await rendered.text())
      .replace('</head>', '<meta name="robots" content="noindex"/></head>')
      .replace(/<main[^>]*>/, (open) => `${open}${banner}`);
    c.header('cache-control', 'no-store');
    return c.html(html);
  });

  app.post('/provider/scholarships/:id/status', csrf, async (c) => {
    const a = await provider(c);
    if (a instanceof Response) return a;
    const id = listingId(c.req.param('id'));
    const { values } = await readFormFields(c);
    const status = ACTION_STATUS[values.action ?? ''];
    if (!status)
      throw new ProblemError('VALIDATION_FAILED', 'Choose publish, close or unpublish', [
        { path: 'action', message: 'must be publish, close or draft' },
      ]);
    await updateListing(deps.db, own(a), id, { status });
    return c.redirect(`/provider?done=${status}`, 303);
  });

  return app;
}
