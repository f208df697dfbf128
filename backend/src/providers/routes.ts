import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import { requireAuth } from '../auth/middleware.ts';
import { readJson, readQuery } from '../http/validate.ts';
import { ProblemError } from '../http/problem.ts';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../catalog/query.ts';
import { CreateListing, UpdateListing } from './listing-schema.ts';
import { providerIdOf, listOwn, getOwn, createListing, updateListing } from './service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PageQuery = z.strictObject({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
});

function listingId(raw: string): string {
  if (!UUID.test(raw)) throw new ProblemError('NOT_FOUND', 'No listing of yours has this id');
  return raw.toLowerCase();
}

/** Provider portal: a provider's own listings (others' are 404, never 403, so ids do not leak). */
export function providersRoutes(deps: AppDeps) {
  const app = new Hono();
  app.use('/api/provider/scholarships', requireAuth(deps, 'provider'));
  app.use('/api/provider/scholarships/*', requireAuth(deps, 'provider'));
  const me = (c: { get(k: 'user'): { sub: string } | undefined }) => providerIdOf(deps.db, c.get('user')!.sub);

  app.get('/api/provider/scholarships', async (c) =>
    c.json(await listOwn(deps.db, await me(c), readQuery(c, PageQuery))),
  );

  app.post('/api/provider/scholarships', async (c) => {
    const body = await readJson(c, CreateListing);
    const listing = await createListing(deps.db, await me(c), body);
    return c.json(listing, 201, { location: `/api/provider/scholarships/${listing.id}` });
  });

  app.get('/api/provider/scholarships/:id', async (c) =>
    c.json(await getOwn(deps.db, await me(c), listingId(c.req.param('id')))),
  );

  app.patch('/api/provider/scholarships/:id', async (c) => {
    const id = listingId(c.req.param('id'));
    const body = await readJson(c, UpdateListing);
    return c.json(await updateListing(deps.db, await me(c), id, body));
  });

  return app;
}
