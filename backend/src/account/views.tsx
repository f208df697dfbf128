import { Layout } from '../pages/layout.tsx';
import { CardHeading, ScholarshipCard, money, longDate } from '../pages/components.tsx';
import { CITIZENSHIPS, LEVELS, MAX_FIELD_OF_STUDY_LENGTH, US_STATES } from '../me/student-profile.ts';
import { CITIZENSHIP_LABELS, FIELDS, LEVEL_LABELS } from '../catalog/taxonomy.ts';
import type { Reason } from '../catalog/eligibility.ts';
import type { Item } from '../catalog/serialize.ts';
import type { FormErrors } from '../auth/form.ts';

type WithReasons = { scholarship: Item; reasons: Reason[] };
export interface AccountView {
  name: string;
  email: string;
  /** Profile values as the form shows them (saved, or what was just typed). */
  profile: Record<string, string>;
  hasProfile: boolean;
  errors?: FormErrors;
  notice?: string;
  eligible: WithReasons[];
  nearMisses: WithReasons[];
  recommendations: (WithReasons & { highlights: string[] })[];
  saved: Item[];
}

function Problem(props: { id: string; message?: string }) {
  return props.message ? (
    <small class="error" id={props.id}>
      {props.message}
    </small>
  ) : null;
}

function Select(props: {
  name: string;
  label: string;
  value: string;
  options: [string, string][];
  error?: string;
}) {
  return (
    <label>
      {props.label}
      <select
        name={props.name}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${props.name}-error` : undefined}
      >
        <option value="">Not set</option>
        {props.options.map(([v, l]) => (
          <option value={v} selected={props.value === v}>
            {l}
          </option>
        ))}
      </select>
      <Problem id={`${props.name}-error`} message={props.error} />
    </label>
  );
}

function ProfileForm(props: { values: Record<string, string>; errors?: FormErrors }) {
  const v = props.values;
  const e = props.errors ?? {};
  return (
    <form class="stack card" method="post" action="/account/profile" id="profile" novalidate>
      <Select
        name="level"
        label="Level of study"
        value={v.level ?? ''}
        error={e.level}
        options={LEVELS.map((l) => [l, LEVEL_LABELS[l]])}
      />
      <label>
        Field of study
        <input
          type="text"
          name="field_of_study"
          list="fields"
          maxlength={MAX_FIELD_OF_STUDY_LENGTH}
          value={v.field_of_study ?? ''}
          aria-invalid={e.field_of_study ? 'true' : undefined}
          aria-describedby={e.field_of_study ? 'field_of_study-error' : undefined}
        />
        <datalist id="fields">
          {Object.values(FIELDS).map((l) => (
            <option value={l} />
          ))}
        </datalist>
        <Problem id="field_of_study-error" message={e.field_of_study} />
      </label>
      <label>
        GPA (0 to 4)
        <input
          type="text"
          inputmode="decimal"
          name="gpa"
          value={v.gpa ?? ''}
          placeholder="e.g. 3.4"
          aria-invalid={e.gpa ? 'true' : undefined}
          aria-describedby={e.gpa ? 'gpa-error' : undefined}
        />
        <Problem id="gpa-error" message={e.gpa} />
      </label>
      <Select name="state" label="State" value={v.state ?? ''} error={e.state} options={US_STATES.map((s) => [s, s])} />
      <Select
        name="citizenship"
        label="Citizenship"
        value={v.citizenship ?? ''}
        error={e.citizenship}
        options={CITIZENSHIPS.map((c) => [c, CITIZENSHIP_LABELS[c]])}
      />
      <label>
        Interests (separated by commas)
        <input
          type="text"
          name="interests"
          value={v.interests ?? ''}
          placeholder="e.g. community service, robotics"
          aria-invalid={e.interests ? 'true' : undefined}
          aria-describedby={e.interests ? 'interests-error' : undefined}
        />
        <Problem id="interests-error" message={e.interests} />
      </label>
      <button type="submit">Save profile</button>
    </form>
  );
}

function Reasons(props: { reasons: Reason[]; onlyFailed?: boolean }) {
  const shown = props.onlyFailed ? props.reasons.filter((r) => !r.matched) : props.reasons;
  return (
    <ul class="reasons">
      {shown.map((r) => (
        <li class={r.matched ? 'ok' : 'error'}>
          {r.matched ? 'Meets: ' : 'Does not meet: '}
          {r.detail}
        </li>
      ))}
    </ul>
  );
}

function MiniCard(props: { item: Item; children?: unknown }) {
  return (
    <article class="card">
      <CardHeading item={props.item} />
      {props.children as never}
    </article>
  );
}

export function AccountPage(props: AccountView) {
  const e = props.errors;
  return (
    <Layout title="My account" head={<meta name="robots" content="noindex" />}>
      <h1>My account</h1>
      <p>
        Logged in as <strong>{props.name}</strong> ({props.email}). <a href="/account/credits">Credits and purchases</a>
      </p>
      {props.notice ? (
        <p class="ok" role="status">
          {props.notice}
        </p>
      ) : null}
      {e ? (
        <p class="error" role="alert">
          {e.form ?? 'Your profile was not saved. Please fix the fields marked below.'}
        </p>
      ) : null}
      <h2>Your profile</h2>
      <p class="muted">We use it only to check what you qualify for. Leave anything empty that you prefer not to say.</p>
      <ProfileForm values={props.profile} errors={e} />

      <h2 id="eligibility">Scholarships you qualify for</h2>
      {!props.hasProfile ? (
        <p>
          <a href="#profile">Fill in your profile</a> to see which scholarships you qualify for, and why.
        </p>
      ) : props.eligible.length === 0 ? (
        <p class="muted">No open scholarship matches every part of your profile yet. See the near misses below.</p>
      ) : (
        props.eligible.map((x) => (
          <MiniCard item={x.scholarship}>
            <Reasons reasons={x.reasons} />
          </MiniCard>
        ))
      )}
      {props.hasProfile && props.nearMisses.length ? (
        <>
          <h3>Almost: one requirement missing</h3>
          {props.nearMisses.map((x) => (
            <MiniCard item={x.scholarship}>
              <Reasons reasons={x.reasons} onlyFailed />
            </MiniCard>
          ))}
        </>
      ) : null}

      <h2 id="recommendations">Recommended for you</h2>
      {!props.hasProfile ? (
        <p>
          Recommendations need a profile: <a href="#profile">fill in your level, field, GPA, state or citizenship</a>{' '}
          and save.
        </p>
      ) : props.recommendations.length === 0 ? (
        <p class="muted">Nothing to recommend yet. Try widening your profile, or browse all scholarships.</p>
      ) : (
        props.recommendations.map((x) => (
          <MiniCard item={x.scholarship}>
            <ul>
              {x.highlights.map((h) => (
                <li>{h}</li>
              ))}
            </ul>
          </MiniCard>
        ))
      )}

      <h2 id="saved">Saved scholarships</h2>
      {props.saved.length === 0 ? (
        <p class="muted">
          Nothing saved yet. Use “Save” on a scholarship’s page to keep it here. <a href="/scholarships">Browse</a>
        </p>
      ) : (
        props.saved.map((item) => (
          <div>
            <ScholarshipCard item={item} />
            <form method="post" action={`/scholarships/${item.slug}/unsave`} class="inline">
              <input type="hidden" name="next" value="/account#saved" />
              <button type="submit">
                Remove <span class="sr-only">{item.title}</span> from saved
              </button>
            </form>
          </div>
        ))
      )}
    </Layout>
  );
}
