import { Hono } from 'hono';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import type { AppDeps } from '../deps.ts';
import { readJson, readQuery } from '../http/validate.ts';
import { ProblemError } from '../http/problem.ts';
import { requireAuth } from '../auth/middleware.ts';
import { studentProfiles } from '../db/schema/index.ts';
import { StudentProfileInput } from '../me/student-profile.ts';
import { ListQuery, SearchQuery, MAX_LIMIT, DEFAULT_LIMIT } from './query.ts';
import { listScholarships, findBySlug } from './list.ts';
import { searchScholarships } from './search.ts';
import { eligibility, recommend, MAX_RECOMMENDATIONS } from './matching.ts';
import { today } from './filters.ts';
import type { Profile } from './eligibility.ts';

/** Slugs we generate: anything else cannot exist, so it is a 404 without a query. */
export const SLUG = /^[a-z0-9][a-z0-9-]{0,127}$/;

const EligibilityBody = z.strictObject({
  profile: StudentProfileInput,
  limit: z.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  cursor: z.string().max(512).optional(),
});
const RecommendationsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_RECOMMENDATIONS).default(10),
});

function toProfile(p: StudentProfileInput): Profile {
  return {
    level: p.level ?? null,
    field_of_study: p.field_of_study ?? null,
    gpa: p.gpa ?? null,
    state: p.state ?? null,
    citizenship: p.citizenship ?? null,
    interests: p.interests ?? [],
  };
}

/** Routes of the catalog domain: list, detail, search, eligibility, recommendations. */
export function catalogRoutes(deps: AppDeps) {
  const app = new Hono();
  const day = () => today(deps.now());

  app.get('/api/scholarships', async (c) => c.json(await listScholarships(deps.db, readQuery(c, ListQuery), day())));

  app.get('/api/scholarships/:slug', async (c) => {
    const slug = c.req.param('slug');
    const item = SLUG.test(slug) ? await findBySlug(deps.db, slug) : null;
    if (!item) throw new ProblemError('NOT_FOUND', 'No published scholarship has this slug');
    return c.json(item);
  });

  app.get('/api/search', async (c) => c.json(await searchScholarships(deps.db, readQuery(c, SearchQuery), day())));

  app.post('/api/eligibility', async (c) => {
    const body = await readJson(c, EligibilityBody);
    return c.json(
      await eligibility(deps.db, toProfile(body.profile), { limit: body.limit, cursor: body.cursor }, day()),
    );
  });

  app.get('/api/recommendations', requireAuth(deps, 'student'), async (c) => {
    const { limit } = readQuery(c, RecommendationsQuery);
    const [row] = await deps.db
      .select()
      .from(studentProfiles)
      .where(eq(studentProfiles.userId, c.get('user')!.sub));
    const profile: Profile | null = row
      ? {
          level: row.level as Profile['level'],
          field_of_study: row.fieldOfStudy,
          gpa: row.gpa === null ? null : Number(row.gpa),
          state: row.state,
          citizenship: row.citizenship as Profile['citizenship'],
          interests: row.interests,
        }
      : null;
    if (
      !profile ||
      (!profile.level && !profile.field_of_study && profile.gpa === null && !profile.state && !profile.citizenship)
    ) {
      throw new ProblemError(
        'CONFLICT',
        'Fill in your profile first (PUT /api/me/profile: level, field_of_study, gpa, state, citizenship)',
        undefined,
        undefined,
        { profile_required: true },
      );
    }
    return c.json({ items: await recommend(deps.db, profile, limit, day()), next_cursor: null });
  });

  return app;
}
