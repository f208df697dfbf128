import type { Child } from 'hono/jsx';
import { Layout } from '../pages/layout.tsx';
import {
  CITIZENSHIPS,
  CITIZENSHIP_LABELS,
  FIELD_SLUGS,
  LEVELS,
  LEVEL_LABELS,
  fieldLabel,
} from '../catalog/taxonomy.ts';
import { MAX_DESCRIPTION, MAX_TITLE } from './listing-schema.ts';
import type { ListingFormValues } from './listing-form.ts';
import type { Listing, ListingStatus } from './service.ts';

/** How each workflow state reads to a provider. */
const STATUS_TEXT: Record<ListingStatus, string> = {
  draft: 'Draft (only you can see it)',
  published: 'Published',
  closed: 'Closed (no longer listed)',
};

/** The buttons a listing offers in each state. */
const ACTIONS: Record<ListingStatus, { action: string; label: string }[]> = {
  draft: [{ action: 'publish', label: 'Publish' }],
  published: [
    { action: 'close', label: 'Close' },
    { action: 'draft', label: 'Unpublish' },
  ],
  closed: [{ action: 'publish', label: 'Reopen' }],
};

function Page(props: { title: string; children: Child }) {
  return (
    <Layout title={props.title} head={<meta name="robots" content="noindex" />}>
      {props.children}
    </Layout>
  );
}

function StatusForms(props: { l: Listing }) {
  return (
    <form method="post" action={`/provider/scholarships/${props.l.id}/status`} style="display:inline-flex;gap:.5rem">
      {ACTIONS[props.l.status].map((a) => (
        <button type="submit" name="action" value={a.action} aria-label={`${a.label}: ${props.l.title}`}>
          {a.label}
        </button>
      ))}
    </form>
  );
}

export function PortalHomePage(props: {
  name: string;
  email: string;
  organisation: string | null;
  listings: Listing[];
  notice?: string;
}) {
  return (
    <Page title="Provider portal">
      <h1>Provider portal</h1>
      <p>
        Logged in as <strong>{props.name}</strong> ({props.email})
        {props.organisation ? (
          <>
            {' '}
            for <strong>{props.organisation}</strong>
          </>
        ) : null}
        .
      </p>
      {props.notice ? (
        <p class="ok" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.organisation ? (
        <p>
          <a href="/provider/scholarships/new">Create a scholarship</a>
        </p>
      ) : (
        <p class="error">This account is not linked to a provider organisation yet; contact support.</p>
      )}
      <h2>Your scholarships</h2>
      {props.listings.length ? (
        props.listings.map((l) => (
          <div class="card">
            <h3 style="margin:0">{l.title}</h3>
            <p class="muted" style="margin:.25rem 0">
              {STATUS_TEXT[l.status]} · deadline {l.deadline}
            </p>
            <p style="display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:0">
              <a href={`/provider/scholarships/${l.id}/edit`} aria-label={`Edit ${l.title}`}>
                Edit
              </a>
              <a href={`/provider/scholarships/${l.id}/preview`} aria-label={`Preview ${l.title}`}>
                Preview
              </a>
              {l.status === 'published' ? (
                <a href={l.url} aria-label={`Public page of ${l.title}`}>
                  Public page
                </a>
              ) : null}
              <StatusForms l={l} />
            </p>
          </div>
        ))
      ) : (
        <p class="muted">No scholarships yet.</p>
      )}
    </Page>
  );
}

function Err(props: { id: string; message?: string }) {
  return props.message ? (
    <small class="error" id={`${props.id}-error`}>
      {props.message}
    </small>
  ) : null;
}

const invalid = (errors: Record<string, string>, k: string) =>
  errors[k] ? { 'aria-invalid': 'true', 'aria-describedby': `${k}-error` } : {};

function Checks(props: {
  name: string;
  legend: string;
  options: readonly string[];
  label: (x: string) => string;
  checked: string[];
  error?: string;
}) {
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label style="display:flex;gap:.5rem;font-weight:400">
          <input type="checkbox" name={props.name} value={o} checked={props.checked.includes(o)} />
          {props.label(o)}
        </label>
      ))}
      <small class="muted">None ticked means any.</small>
      <Err id={props.name} message={props.error} />
    </fieldset>
  );
}

export function ListingFormPage(props: {
  action: string;
  heading: string;
  values: ListingFormValues;
  errors?: Record<string, string>;
}) {
  const v = props.values;
  const e = props.errors ?? {};
  return (
    <Page title={props.heading}>
      <p>
        <a href="/provider">← Provider portal</a>
      </p>
      <h1>{props.heading}</h1>
      {Object.keys(e).length ? (
        <p class="error" role="alert">
          Please correct the {Object.keys(e).length === 1 ? 'field' : 'fields'} marked below.
        </p>
      ) : null}
      <form class="stack card" method="post" action={props.action} style="max-width:40rem">
        <label>
          Title
          <input name="title" required maxlength={MAX_TITLE} value={v.title} {...invalid(e, 'title')} />
          <Err id="title" message={e.title} />
        </label>
        <label>
          Description
          <textarea name="description" rows={10} required maxlength={MAX_DESCRIPTION} {...invalid(e, 'description')}>
            {v.description}
          </textarea>
          <small class="muted">
            Basic formatting is kept: paragraphs, bold, italics, lists and http(s) links. Anything else is removed.
          </small>
          <Err id="description" message={e.description} />
        </label>
        <label>
          Award (US dollars)
          <input name="amount" inputmode="numeric" required value={v.amount} {...invalid(e, 'amount')} />
          <Err id="amount" message={e.amount} />
        </label>
        <label>
          Deadline
          <input type="date" name="deadline" required value={v.deadline} {...invalid(e, 'deadline')} />
          <Err id="deadline" message={e.deadline} />
        </label>
        <Checks name="levels" legend="Levels of study" options={LEVELS} label={(x) => LEVEL_LABELS[x as never]} checked={v.levels} error={e.levels} />
        <label>
          Fields of study (up to 10; none selected means any)
          <select name="fields" multiple size={8} {...invalid(e, 'fields')}>
            {FIELD_SLUGS.map((f) => (
              <option value={f} selected={v.fields.includes(f)}>
                {fieldLabel(f)}
              </option>
            ))}
          </select>
          <Err id="fields" message={e.fields} />
        </label>
        <label>
          Minimum GPA (optional)
          <input name="min_gpa" inputmode="decimal" value={v.min_gpa} {...invalid(e, 'min_gpa')} />
          <Err id="min_gpa" message={e.min_gpa} />
        </label>
        <label>
          States (optional, e.g. CA, NY)
          <input name="states" value={v.states} {...invalid(e, 'states')} />
          <Err id="states" message={e.states} />
        </label>
        <Checks
          name="citizenship"
          legend="Citizenship"
          options={CITIZENSHIPS}
          label={(x) => CITIZENSHIP_LABELS[x as never]}
          checked={v.citizenship}
          error={e.citizenship}
        />
        <label style="display:flex;gap:.5rem">
          <input type="checkbox" name="essay_required" checked={v.essay_required} />
          An essay is required
        </label>
        <button type="submit">Save and preview</button>
      </form>
    </Page>
  );
}

/** The banner a preview puts above the public page's content. */
export function PreviewBanner(props: { l: Listing; saved: boolean }) {
  return (
    <div class="card" role="region" aria-label="Preview" style="border-color:#1f5fa8">
      {props.saved ? (
        <p class="ok" role="status" style="margin-top:0">
          Saved.
        </p>
      ) : null}
      <p style="margin-top:0">
        <strong>Preview.</strong> Status: {STATUS_TEXT[props.l.status]}.{' '}
        {props.l.status === 'published' ? 'Students see this page.' : 'Students cannot see this page.'}
      </p>
      <p style="display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:0">
        <a href={`/provider/scholarships/${props.l.id}/edit`}>Edit</a>
        <a href="/provider">Provider portal</a>
        <StatusForms l={props.l} />
      </p>
    </div>
  );
}
