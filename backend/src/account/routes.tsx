import { Hono, type Context } from 'hono';
import { eq } from 'drizzle-orm';
import type { AppDeps } from '../deps.ts';
import { users } from '../db/schema/index.ts';
import { sameOrigin } from '../auth/csrf.ts';
import { readFormFields } from '../auth/form.ts';
import { loginHref, safeReturnTo } from '../auth/return-to.ts';
import { getProfile, putProfile } from '../me/profile.ts';
import { eligibility, recommend } from '../catalog/matching.ts';
import { today } from '../catalog/filters.ts';
import { SLUG } from '../catalog/routes.ts';
import type { Profile } from '../catalog/eligibility.ts';
import type { StudentProfile } from '../me/student-profile.ts';
import { renderPage, viewerOf } from '../pages/render.ts';
import { problemPage } from '../pages/error-pages.tsx';
import { parseProfileForm } from './profile-form.ts';
import { listSaved, saveScholarship, unsaveScholarship } from './saved.ts';
import { AccountPage } from './views.tsx';
import type { FormErrors } from '../auth/form.ts';

/** Enough to act on from one page; the API pages through the rest. */
const ELIGIBLE_SHOWN = 10;
const RECOMMENDATIONS_SHOWN = 10;

const NOTICES: Record<string, string> = {
  profile: 'Your profile was saved. The lists below are up to date.',
};

/** A profile with nothing that eligibility can judge is no profile (interests alone only rank). */
const judgeable = (p: StudentProfile | null): p is StudentProfile =>
  !!p && !!(p.level || p.field_of_study || p.gpa !== null || p.state || p.citizenship);

const formValues = (p: StudentProfile | null): Record<string, string> => ({
  level: p?.level ?? '',
  field_of_study: p?.field_of_study ?? '',
  gpa: p?.gpa == null ? '' : p.gpa.toFixed(2),
  state: p?.state ?? '',
  citizenship: p?.citizenship ?? '',
  interests: p?.interests.join(', ') ?? '',
});

/**
 * The student's account area: `/account` (profile form, eligibility with reasons, recommendations,
 * saved scholarships) and the save/unsave forms on scholarship pages. Plain forms, no JavaScript,
 * CSRF-checked by Origin. Credits live under /account/credits (payments pages).
 */
export function accountRoutes(deps: AppDeps) {
  const app = new Hono();
  const csrf = sameOrigin(deps.env.PUBLIC_URL);
  const day = () => today(deps.now());

  async function accountPage(
    c: Context,
    userId: string,
    typed?: { values: Record<string, string>; errors: FormErrors },
  ): Promise<Response> {
    const [[user], saved, stored] = await Promise.all([
      deps.db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, userId)),
      listSaved(deps.db, userId),
      getProfile(deps.db, userId),
    ]);
    if (!user) return c.redirect('/login?next=%2Faccount', 303);
    const profile: Profile | null = judgeable(stored) ? stored : null;
    const [elig, recs] = profile
      ? await Promise.all([
          eligibility(deps.db, profile, { limit: ELIGIBLE_SHOWN }, day()),
          recommend(deps.db, profile, RECOMMENDATIONS_SHOWN, day()),
        ])
      : [null, []];
    c.header('cache-control', 'private, no-store');
    return renderPage(
      c,
      <AccountPage
        name={user.name}
        email={user.email}
        profile={typed?.values ?? formValues(stored)}
        hasProfile={profile !== null}
        errors={typed?.errors}
        notice={NOTICES[c.req.query('saved') ?? '']}
        eligible={elig?.items ?? []}
        nearMisses={elig?.near_misses ?? []}
        recommendations={recs}
        saved={saved}
      />,
      typed ? 400 : 200,
    );
  }

  /** The logged-in student, or a response sending the visitor to the right login. */
  async function student(c: Context, here: string): Promise<{ id: string } | Response> {
    const v = await viewerOf(c);
    if (!v) return c.redirect(loginHref(here), 303);
    if (v.role !== 'student') return problemPage(c, 'FORBIDDEN', { detail: 'This page is for student accounts.' });
    return { id: v.id };
  }

  app.get('/account', async (c) => {
    const who = await student(c, '/account');
    return who instanceof Response ? who : accountPage(c, who.id);
  });

  app.post('/account/profile', csrf, async (c) => {
    const who = await student(c, '/account');
    if (who instanceof Response) return who;
    const fields = await readFormFields(c);
    const form = parseProfileForm(fields.values, fields.repeated);
    if (!form.ok) return accountPage(c, who.id, { values: fields.values, errors: form.errors });
    await putProfile(deps.db, who.id, form.data, deps.now());
    return c.redirect('/account?saved=profile#eligibility', 303);
  });

  for (const action of ['save', 'unsave'] as const) {
    app.post(`/scholarships/:slug/${action}`, csrf, async (c) => {
      const slug = c.req.param('slug');
      const page = `/scholarships/${slug}`;
      if (!SLUG.test(slug)) return problemPage(c, 'NOT_FOUND');
      const who = await student(c, page);
      if (who instanceof Response) return who;
      const fields = await readFormFields(c);
      const next = safeReturnTo(fields.values.next) ?? page;
      if (action === 'unsave') await unsaveScholarship(deps.db, who.id, slug);
      else if (!(await saveScholarship(deps.db, who.id, slug, deps.now()))) return problemPage(c, 'NOT_FOUND');
      return c.redirect(next, 303);
    });
  }

  return app;
}
