import { Layout } from './layout.tsx';
import { ScholarshipCard, FilterForm, Pager, ErrorList, money, longDate, countText } from './components.tsx';
import { renderDescription } from './sanitize-html.ts';
import { jsonLdScript, scholarshipJsonLd } from './json-ld.ts';
import { fieldLabel, LEVEL_LABELS, CITIZENSHIP_LABELS } from '../catalog/taxonomy.ts';
import type { Item, toDetail } from '../catalog/serialize.ts';
import type { SearchPage } from '../catalog/search.ts';
import type { FieldError } from '../../../shared/errors.ts';

type Detail = ReturnType<typeof toDetail>;
type Values = Record<string, string | number | boolean | undefined>;

export function HomePage(props: { featured: Item[]; closingSoon: Item[]; publicUrl: string }) {
  return (
    <Layout
      title="Find scholarships"
      description="Search thousands of scholarships by field, level and state, and see which ones you qualify for."
      canonical={new URL('/', props.publicUrl).toString()}
    >
      <h1>Find scholarships you qualify for</h1>
      <p>
        Gatehouse lists scholarships from foundations, companies and community groups. Search by keyword, filter by
        level, field of study and state, and <a href="/account">check your eligibility in one step</a>.
      </p>
      <form method="get" action="/search" class="card" style="display:flex;gap:.5rem">
        <input
          type="search"
          name="q"
          placeholder="Try “nursing”, “first-generation” or “engineering Texas”"
          maxlength={200}
          required
          style="flex:1"
          aria-label="Search scholarships"
        />
        <button type="submit">Search</button>
      </form>
      <p>
        <a href="/scholarships">Browse all scholarships →</a>
      </p>
      <h2>Featured awards</h2>
      {props.featured.map((item) => (
        <ScholarshipCard item={item} />
      ))}
      <h2>Closing soon</h2>
      {props.closingSoon.map((item) => (
        <ScholarshipCard item={item} />
      ))}
    </Layout>
  );
}

export function ListPage(props: {
  items: Item[];
  nextCursor: string | null;
  params: URLSearchParams;
  values: Values;
  errors?: FieldError[];
  publicUrl: string;
  count?: number;
}) {
  return (
    <Layout
      title="Browse scholarships"
      description="Open scholarships sorted by deadline, with filters for level, field of study, state and amount."
      canonical={new URL('/scholarships', props.publicUrl).toString()}
    >
      <h1>Browse scholarships</h1>
      <FilterForm action="/scholarships" values={props.values as never} withSort />
      {props.errors ? <ErrorList errors={props.errors} /> : null}
      {props.items.length === 0 && !props.errors ? (
        <p class="muted">No open scholarships match these filters.</p>
      ) : props.count !== undefined ? (
        <p role="status">
          <strong>{countText(props.count)}</strong> open{props.params.toString() ? ' with these filters' : ''}
        </p>
      ) : null}
      {props.items.map((item) => (
        <ScholarshipCard item={item} />
      ))}
      <Pager path="/scholarships" params={props.params} nextCursor={props.nextCursor} />
    </Layout>
  );
}

export function SearchResultsPage(props: {
  q: string;
  page: SearchPage | null;
  params: URLSearchParams;
  values: Values;
  errors?: FieldError[];
  count?: number;
}) {
  const title = props.q ? `Search: ${props.q}` : 'Search scholarships';
  return (
    <Layout title={title} head={<meta name="robots" content="noindex, follow" />}>
      <h1>Search scholarships</h1>
      <FilterForm action="/search" values={props.values as never} withQuery />
      {props.errors ? <ErrorList errors={props.errors} /> : null}
      {props.page?.corrected_query ? (
        <p class="muted">
          Showing results for <strong>{props.page.corrected_query}</strong>.
        </p>
      ) : null}
      {props.page && props.page.items.length === 0 ? (
        <p class="muted">No scholarships match “{props.q}”. Try fewer or different words.</p>
      ) : props.page && props.count !== undefined ? (
        <p role="status">
          <strong>{countText(props.count)}</strong> match “{props.page.corrected_query ?? props.q}”
        </p>
      ) : null}
      {props.page?.items.map((item) => (
        <ScholarshipCard item={item} snippet={item.snippet} />
      ))}
      {props.page ? <Pager path="/search" params={props.params} nextCursor={props.page.next_cursor} /> : null}
    </Layout>
  );
}

/** "Closes today", "Closes tomorrow", "Closes in 12 days", "Closed": days counted in UTC like deadlines. */
function countdown(deadline: string, today: string): string {
  const days = Math.round((Date.parse(deadline) - Date.parse(today)) / 86_400_000);
  if (days < 0) return 'Closed';
  if (days === 0) return 'Closes today';
  if (days === 1) return 'Closes tomorrow';
  return `Closes in ${days} days`;
}

export function DetailPage(props: {
  s: Detail;
  publicUrl: string;
  today: string;
  /** The provider's website, where the application lives. */
  website: string | null;
  /** Whether the student viewing has saved it; undefined when the viewer is not a student. */
  saved?: boolean;
  anonymous: boolean;
}) {
  const s = props.s;
  const canonical = new URL(s.url, props.publicUrl).toString();
  const closed = s.deadline < props.today;
  const host = props.website ? new URL(props.website).host : null;
  const mail = `mailto:?subject=${encodeURIComponent(s.title)}&body=${encodeURIComponent(`${s.title}: ${canonical}`)}`;
  const rows: [string, string][] = [
    ['Award', money(s.amount)],
    ['Deadline', `${longDate(s.deadline)}${closed ? ' (closed)' : ''}`],
    [
      'Level',
      s.levels.length ? s.levels.map((l) => LEVEL_LABELS[l as keyof typeof LEVEL_LABELS] ?? l).join(', ') : 'Any level',
    ],
    ['Field of study', s.fields.length ? s.fields.map(fieldLabel).join(', ') : 'Any field'],
    ['Minimum GPA', s.min_gpa !== null ? s.min_gpa.toFixed(2) : 'None'],
    ['States', s.states.length ? s.states.join(', ') : 'All states'],
    [
      'Citizenship',
      s.citizenship.length
        ? s.citizenship.map((x) => CITIZENSHIP_LABELS[x as keyof typeof CITIZENSHIP_LABELS] ?? x).join(', ')
        : 'Any',
    ],
    ['Essay', s.essay_required ? 'Required' : 'Not required'],
  ];
  return (
    <Layout
      title={s.title}
      description={s.summary}
      canonical={canonical}
      head={
        <script
          type="application/ld+json"
          dangerouslySetInnerHTML={{ __html: jsonLdScript(scholarshipJsonLd(s, props.publicUrl)) }}
        />
      }
    >
      <p>
        <a href="/scholarships">← All scholarships</a>
      </p>
      <h1>{s.title}</h1>
      <p class="muted">Offered by {s.provider.name}</p>
      {closed ? (
        <p class="error">Applications for this scholarship are closed.</p>
      ) : (
        <p>
          <strong>{countdown(s.deadline, props.today)}</strong> (deadline {longDate(s.deadline)})
        </p>
      )}
      <div class="actions">
        {props.saved === undefined ? (
          props.anonymous ? (
            <a href={`/login?next=${encodeURIComponent(s.url)}`}>Log in to save this scholarship</a>
          ) : null
        ) : (
          <form method="post" action={`${s.url}/${props.saved ? 'unsave' : 'save'}`} class="inline">
            <button type="submit">{props.saved ? 'Saved: remove from my list' : 'Save this scholarship'}</button>
          </form>
        )}
        {props.saved ? (
          <a href="/account#saved" class="ok">
            See your saved scholarships
          </a>
        ) : null}
      </div>
      <div class="card">
        <dl style="display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0">
          {rows.map(([k, v]) => (
            <>
              <dt>
                <strong>{k}</strong>
              </dt>
              <dd style="margin:0">{v}</dd>
            </>
          ))}
        </dl>
      </div>
      <h2>How to apply</h2>
      <div class="card">
        {closed ? (
          <p>This round is closed. Check back with {s.provider.name} for the next one.</p>
        ) : props.website ? (
          <p>
            Applications are handled by {s.provider.name}.{' '}
            <a href={props.website} rel="noopener">
              Apply on {s.provider.name}’s website ({host})
            </a>{' '}
            before {longDate(s.deadline)}.
          </p>
        ) : (
          <p>
            Applications are handled by {s.provider.name} directly: contact them before {longDate(s.deadline)} and
            mention this listing.
          </p>
        )}
        {s.essay_required ? <p>You will need an essay: start it early.</p> : null}
        <p class="muted">
          Questions about eligibility or the application go to {s.provider.name}
          {props.website ? (
            <>
              {' '}
              through <a href={props.website}>{host}</a>
            </>
          ) : null}
          . Gatehouse lists the award; it does not decide who receives it.
        </p>
      </div>
      <h2>About this scholarship</h2>
      <div class="card" dangerouslySetInnerHTML={{ __html: renderDescription(s.description) }} />
      <h2>Share</h2>
      <p>
        Link to this page: <a href={canonical}>{canonical}</a> · <a href={mail}>Send by email</a>
      </p>
    </Layout>
  );
}

export function NotFoundPage() {
  return (
    <Layout title="Not found">
      <h1>Scholarship not found</h1>
      <p>
        It may have been removed or the address is mistyped. <a href="/scholarships">Browse all scholarships</a>.
      </p>
    </Layout>
  );
}
