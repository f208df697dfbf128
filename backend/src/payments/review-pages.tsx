import { Hono, type Context } from 'hono';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import { sameOrigin } from '../auth/csrf.ts';
import { readFormFields, validateForm } from '../auth/form.ts';
import type { AccessClaims } from '../auth/tokens.ts';
import { evaluate, type Profile, type Reason } from '../catalog/eligibility.ts';
import { findBySlug, listScholarships } from '../catalog/list.ts';
import { today } from '../catalog/filters.ts';
import { SLUG } from '../catalog/routes.ts';
import { creditSpends } from '../db/schema/credit-spends.ts';
import { readIdempotencyKey } from '../idempotency/key-store.ts';
import { walletCredits } from '../ledger/balance.ts';
import { getProfile } from '../me/profile.ts';
import { accountViewer, problemDetail, sendPage } from './credits-pages.tsx';
import { FormKey, Notice, Page } from './credits-views.tsx';
import { idempotentForm } from './form-idempotency.ts';
import { SPEND_ITEMS, listSpends, runSpend, type Spend } from './spend.ts';

const COST = SPEND_ITEMS.readiness_review.credits;
const KeyOnlyForm = z.strictObject({ idempotency_key: z.string().max(255) });
/** Scholarships suggested on the reviews page when the student has none yet. */
const SUGGESTED = 5;

type Scholarship = NonNullable<Awaited<ReturnType<typeof findBySlug>>>;

const daysLeft = (deadline: string, day: string) =>
  Math.round((Date.parse(`${deadline}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000);

function Review(props: { s: Scholarship; reasons: Reason[] | null; day: string }) {
  const left = daysLeft(props.s.deadline, props.day);
  const missing = props.reasons?.filter((r) => !r.matched) ?? [];
  return (
    <section class="card" aria-labelledby="review-heading">
      <h2 id="review-heading">Your readiness</h2>
      {props.reasons ? (
        <ul>
          {props.reasons.map((r) => (
            <li class={r.matched ? 'ok' : 'error'}>
              {r.matched ? 'Meets: ' : 'Does not meet: '}
              {r.detail}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">
          Add your level, field, GPA, state and citizenship to <a href="/account">your profile</a> to see how you meet
          each criterion.
        </p>
      )}
      <h3>Checklist</h3>
      <ul>
        <li>{left >= 0 ? `${left} days left: applications close ${props.s.deadline}.` : 'Applications are closed.'}</li>
        <li>{props.s.essay_required ? 'An essay is required: start a draft now.' : 'No essay is required.'}</li>
        <li>Have your transcript and a reference ready before you apply.</li>
        {missing.length ? <li>Fix or explain the {missing.length} unmet criteria above before applying.</li> : null}
      </ul>
    </section>
  );
}

function ReviewPage(props: {
  s: Scholarship;
  spend: Spend | null;
  reasons: Reason[] | null;
  balance: number;
  day: string;
  error?: string;
  ok?: string;
}) {
  return (
    <Page title={`Readiness review: ${props.s.title}`}>
      <p>
        <a href="/account/reviews">← Your readiness reviews</a>
      </p>
      <h1>Readiness review: {props.s.title}</h1>
      <p class="muted">
        Offered by {props.s.provider.name} · <a href={props.s.url}>Scholarship page</a>
      </p>
      <Notice error={props.error} ok={props.ok} />
      {props.spend ? (
        <Review s={props.s} reasons={props.reasons} day={props.day} />
      ) : (
        <form class="card stack" method="post" action={`/account/reviews/${props.s.slug}`}>
          <FormKey />
          <p style="margin:0">
            See how your profile meets each criterion, what the application needs and how long is left, for {COST}{' '}
            credits. Your balance: <strong>{props.balance} credits</strong>.
          </p>
          {props.balance < COST ? (
            <p style="margin:0">
              <a href="/account/credits">Buy credits</a> first.
            </p>
          ) : null}
          <button type="submit">Unlock for {COST} credits</button>
        </form>
      )}
    </Page>
  );
}

function ReviewsPage(props: {
  reviews: { title: string; slug: string; spend: Spend }[];
  suggested: { title: string; slug: string; deadline: string }[];
  balance: number;
}) {
  return (
    <Page title="Readiness reviews">
      <h1>Application-readiness reviews</h1>
      <p>
        A review checks your profile against one scholarship's criteria and lists what the application needs. Each
        costs {COST} credits; your balance is <strong>{props.balance} credits</strong> (
        <a href="/account/credits">buy credits</a>).
      </p>
      <h2>Your reviews</h2>
      {props.reviews.length ? (
        <ul>
          {props.reviews.map((r) => (
            <li>
              <a href={`/account/reviews/${r.slug}`}>{r.title}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">None yet.</p>
      )}
      <h2>Closing soon</h2>
      <ul>
        {props.suggested.map((s) => (
          <li>
            <a href={`/account/reviews/${s.slug}`}>{s.title}</a> <span class="muted">(closes {s.deadline})</span>
          </li>
        ))}
      </ul>
    </Page>
  );
}

/** `/account/reviews`: what credits buy, unlocked through the ledger (payments/spend.ts). */
export function reviewPageRoutes(deps: AppDeps) {
  const app = new Hono();
  const csrf = sameOrigin(deps.env.PUBLIC_URL);
  const day = () => today(deps.now());

  async function reviewPage(c: Context, user: AccessClaims, s: Scholarship, status: 200 | 402 | 404 = 200, error?: string) {
    const [[spend], balance, profile] = await Promise.all([
      deps.db
        .select()
        .from(creditSpends)
        .where(
          and(
            eq(creditSpends.userId, user.sub),
            eq(creditSpends.item, 'readiness_review'),
            eq(creditSpends.scholarshipId, s.id),
          ),
        ),
      walletCredits(deps.db, user.sub),
      getProfile(deps.db, user.sub),
    ]);
    const criteria = {
      levels: s.levels,
      fields: s.fields,
      minGpa: s.min_gpa === null ? null : String(s.min_gpa),
      states: s.states,
      citizenship: s.citizenship,
      deadline: s.deadline,
    };
    const reasons = spend && profile ? evaluate(profile as Profile, criteria, day()) : null;
    const ok = spend && c.req.query('unlocked') === '1' ? `Unlocked: ${spend.credits} credits spent.` : undefined;
    return sendPage(
      c,
      <ReviewPage s={s} spend={spend ?? null} reasons={reasons} balance={balance} day={day()} error={error} ok={ok} />,
      status,
    );
  }

  async function scholarship(slug: string) {
    return SLUG.test(slug) ? findBySlug(deps.db, slug) : null;
  }

  app.get('/account/reviews', async (c) => {
    const user = await accountViewer(c, deps);
    if (user instanceof Response) return user;
    const [spends, balance, soon] = await Promise.all([
      listSpends(deps.db, user.sub),
      walletCredits(deps.db, user.sub),
      listScholarships(deps.db, { sort: 'deadline', limit: SUGGESTED }, day()),
    ]);
    return sendPage(c, <ReviewsPage reviews={spends.reverse()} suggested={soon.items} balance={balance} />);
  });

  app.get('/account/reviews/:slug', async (c) => {
    const user = await accountViewer(c, deps);
    if (user instanceof Response) return user;
    const s = await scholarship(c.req.param('slug'));
    if (!s) return sendPage(c, <Page title="Not found"><h1>No such scholarship</h1></Page>, 404);
    return reviewPage(c, user, s);
  });

  app.post('/account/reviews/:slug', csrf, async (c) => {
    const user = await accountViewer(c, deps);
    if (user instanceof Response) return user;
    const s = await scholarship(c.req.param('slug'));
    if (!s) return sendPage(c, <Page title="Not found"><h1>No such scholarship</h1></Page>, 404);
    const form = validateForm(await readFormFields(c), KeyOnlyForm);
    if (!form.ok) return reviewPage(c, user, s, 200, 'Reload the page and try again.');
    const params = { item: 'readiness_review', scholarship_id: s.id };
    const out = await idempotentForm(
      deps,
      c,
      { userId: user.sub, key: readIdempotencyKey(form.data.idempotency_key), operation: 'credits.spend', body: params, params },
      (k) => runSpend(deps.db, k, c.get('requestId')),
    );
    if (out.status === 200 || out.status === 201) return c.redirect(`/account/reviews/${s.slug}?unlocked=1`, 303);
    return reviewPage(c, user, s, out.status === 402 ? 402 : 404, problemDetail(out.body, 'Could not unlock.'));
  });

  return app;
}
