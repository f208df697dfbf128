import type { Item } from '../catalog/serialize.ts';
import { FIELDS, LEVELS, LEVEL_LABELS, US_STATES, fieldLabel } from '../catalog/taxonomy.ts';
import type { Filters } from '../catalog/query.ts';
import { COUNT_CAP } from '../catalog/count.ts';
import { FIRST, backStack, joinBack } from './page-query.ts';

/**
 * Formatters built once: `toLocaleDateString(…, options)` builds a new Intl formatter per call
 * (~0.1 ms each, twenty-some per list page), the bulk of a page's rendering time.
 */
const DOLLARS = new Intl.NumberFormat('en-US');
const LONG_DATE = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

export const money = (n: number) => `$${DOLLARS.format(n)}`;
/** `2026-03-01` → `March 1, 2026` (UTC, so the day never shifts). */
export const longDate = (d: string) => LONG_DATE.format(new Date(`${d}T00:00:00Z`));

/** A card's title link and its provider · amount · deadline line (every scholarship card starts so). */
export function CardHeading(props: { item: Item }) {
  const s = props.item;
  return (
    <>
      <h3 style="margin:0 0 .25rem">
        <a href={s.url}>{s.title}</a>
      </h3>
      <div class="muted">
        {s.provider.name} · <strong>{money(s.amount)}</strong> · deadline {longDate(s.deadline)}
      </div>
    </>
  );
}

export function ScholarshipCard(props: { item: Item; snippet?: string }) {
  const s = props.item;
  return (
    <article class="card">
      <CardHeading item={s} />
      {props.snippet !== undefined ? <p dangerouslySetInnerHTML={{ __html: props.snippet }} /> : <p>{s.summary}</p>}
      <div class="muted">
        {s.levels.length
          ? s.levels.map((l) => LEVEL_LABELS[l as keyof typeof LEVEL_LABELS] ?? l).join(', ')
          : 'All levels'}
        {' · '}
        {s.fields.length ? s.fields.map(fieldLabel).join(', ') : 'All fields'}
        {s.min_gpa !== null ? ` · GPA ${s.min_gpa.toFixed(2)}+` : ''}
        {s.essay_required ? ' · essay' : ''}
      </div>
    </article>
  );
}

/** The GET filter form shared by /scholarships and /search: works without JavaScript. */
export function FilterForm(props: {
  action: string;
  values: Partial<Filters> & { q?: string; sort?: string };
  withQuery?: boolean;
  withSort?: boolean;
}) {
  const v = props.values;
  return (
    <form
      method="get"
      action={props.action}
      class="card"
      style="display:flex;flex-wrap:wrap;gap:.75rem;align-items:end"
    >
      {props.withQuery ? (
        <label style="flex:1 1 16rem">
          Search
          <input
            type="search"
            name="q"
            value={v.q ?? ''}
            maxlength={200}
            placeholder="e.g. nursing, first-generation"
            required
          />
        </label>
      ) : null}
      <label>
        Level
        <select name="level">
          <option value="">Any</option>
          {LEVELS.map((l) => (
            <option value={l} selected={v.level === l}>
              {LEVEL_LABELS[l]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Field
        <select name="field">
          <option value="">Any</option>
          {Object.entries(FIELDS).map(([k, label]) => (
            <option value={k} selected={v.field === k}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        State
        <select name="state">
          <option value="">Any</option>
          {US_STATES.map((st) => (
            <option value={st} selected={v.state === st}>
              {st}
            </option>
          ))}
        </select>
      </label>
      <label>
        Min. amount
        {/* Text, not number: a number input throws away "$2,550" before the server sees it. */}
        <input
          type="text"
          inputmode="numeric"
          name="min_amount"
          value={v.min_amount ?? ''}
          placeholder="e.g. $2,500"
          style="width:8rem"
        />
      </label>
      <label>
        Deadline after
        <input type="date" name="deadline_after" value={v.deadline_after ?? ''} />
      </label>
      {props.withSort ? (
        <label>
          Sort
          <select name="sort">
            {[
              ['deadline', 'Deadline (soonest)'],
              ['amount', 'Amount (largest)'],
              ['newest', 'Newest'],
            ].map(([k, label]) => (
              <option value={k} selected={v.sort === k}>
                {label}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <button type="submit">{props.withQuery ? 'Search' : 'Apply filters'}</button>
    </form>
  );
}

/**
 * Previous / next links that keep every current parameter. Keyset cursors only point forward, so
 * the cursors of earlier pages ride along in `back` (bounded): "Previous" pops one, "Next" pushes.
 */
export function Pager(props: { path: string; params: URLSearchParams; nextCursor: string | null }) {
  const back = backStack(props.params.get('back') ?? undefined);
  const here = props.params.get('cursor') ?? FIRST;
  const link = (cursor: string | undefined, stack: string[]) => {
    const q = new URLSearchParams(props.params);
    if (cursor && cursor !== FIRST) q.set('cursor', cursor);
    else q.delete('cursor');
    if (stack.length) q.set('back', joinBack(stack));
    else q.delete('back');
    return `${props.path}?${q}`;
  };
  const prev = back.length ? back[back.length - 1] : props.params.has('cursor') ? FIRST : undefined;
  return (
    <nav class="pager" aria-label="Pages">
      {prev !== undefined ? (
        <a href={link(prev, back.slice(0, -1))} rel="prev">
          ← Previous page
        </a>
      ) : (
        <span />
      )}
      {props.nextCursor ? (
        <a href={link(props.nextCursor, [...back, here])} rel="next">
          Next page →
        </a>
      ) : (
        <span />
      )}
    </nav>
  );
}

/** "No scholarships", "1 scholarship", "More than 500 scholarships": the count above a result list. */
export function countText(n: number): string {
  if (n > COUNT_CAP) return `More than ${COUNT_CAP.toLocaleString('en-US')} scholarships`;
  return n === 1 ? '1 scholarship' : `${n.toLocaleString('en-US')} scholarships`;
}

export function ErrorList(props: { errors: { path: string; message: string }[] }) {
  return (
    <div class="card error" role="alert">
      <strong>Please check:</strong>
      <ul>
        {props.errors.map((e) => (
          <li>
            <strong>{e.path}</strong>: {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
