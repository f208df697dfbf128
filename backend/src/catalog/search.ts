import { and, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { scholarships as s, providers as p } from '../db/schema/index.ts';
import { rowsOf } from '../db/client.ts';
import { filterConditions } from './filters.ts';
import { itemColumns, providerJoin, toItem, plainText, type ItemRow } from './serialize.ts';
import { encodeCursor, decodeCursor, isFiniteNumber } from './cursor.ts';
import { correctQuery, type Correction } from './typo.ts';
import type { SearchQuery } from './query.ts';
import { escapeHtml } from '../pages/sanitize-html.ts';

/**
 * Added to the score of title matches (every query term in the title, via `title_vector`):
 * ts_rank_cd of a description-only match stays far below it, so title matches always rank first.
 */
export const TITLE_BOOST = 1000;
/**
 * Matches ranked per tier (title matches, then the rest). Ranking reads every candidate's row, so
 * an unbounded broad query ("scholarship") would cost ~100k row reads; past 1,000 strong matches a
 * user refines the query rather than paging on. Bounded work per request, as for every input.
 */
export const MAX_RANKED_PER_TIER = 1000;
/** ts_headline markers: control characters cannot occur in stored text (validation strips them). */
const START = '\u0001';
const STOP = '\u0002';
/** One best passage: the fragment mode (MaxFragments) costs ~3x as much per row. */
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=12`;
const CURSOR_KIND = 's';

/**
 * Drops the description's own tags (ts_headline keeps whole tags as tokens), escapes the text, then
 * turns the markers into `<mark>`: the only HTML a snippet can contain.
 */
export function snippetHtml(headline: string): string {
  const marks = { [START]: '<mark>', [STOP]: '</mark>' } as Record<string, string>;
  let open = false;
  return escapeHtml(plainText(headline)).replace(/[\u0001\u0002]/g, (m) => {
    if ((m === START) === open) return '';
    open = !open;
    return marks[m];
  }) + (open ? '</mark>' : '');
}

export interface SearchPage {
  items: (ReturnType<typeof toItem> & { score: number; snippet: string })[];
  next_cursor: string | null;
  /** The query actually run when a word was corrected, else null. */
  corrected_query: string | null;
  corrections: Correction[];
}

/** `GET /api/search`: full-text match, ranked, highlighted; misspelled words corrected first. */
export async function searchScholarships(db: Db, q: SearchQuery, day: string): Promise<SearchPage> {
  const after = q.cursor ? decodeCursor(q.cursor, CURSOR_KIND, isFiniteNumber) : null;
  const { text, corrections } = await correctQuery(db, q.q);
  const tsq = sql`websearch_to_tsquery('english', ${text})`;
  const filters = and(...filterConditions(q, day));
  const tier = async (title: boolean, take: number) => rowsOf<{ id: string; score: number }>(await db.execute(sql`
    select id, score from (
      select id, (${title ? TITLE_BOOST : 0} + ts_rank_cd(search_vector, q.q))::float8 as score
      from (
        select ${s.id} as id, search_vector from ${s}, ${tsq} as q(q)
        where search_vector @@ q.q and ${title ? sql`title_vector @@ q.q` : sql`not (title_vector @@ q.q)`} and ${filters}
        limit ${MAX_RANKED_PER_TIER}
      ) candidates, ${tsq} as q(q)
    ) ranked
    ${after ? sql`where (score, id) < (${after.value}::float8, ${after.id}::uuid)` : sql``}
    order by score desc, id desc
    limit ${take}`));
  // Title tier first; the description tier only when the page is not full (or the cursor is past the titles).
  const inTitleTier = !after || Number(after.value) >= TITLE_BOOST;
  const matches = inTitleTier ? await tier(true, q.limit + 1) : [];
  if (matches.length < q.limit + 1) matches.push(...await tier(false, q.limit + 1 - matches.length));
  const more = matches.length > q.limit;
  const page = more ? matches.slice(0, q.limit) : matches;
  const base = { corrected_query: corrections.length ? text : null, corrections };
  if (page.length === 0) return { items: [], next_cursor: null, ...base };
  const rows = await db.select({
    ...itemColumns,
    headline: sql<string>`ts_headline('english', ${s.description}, ${tsq}, ${HEADLINE_OPTIONS})`,
  }).from(s).innerJoin(p, providerJoin).where(inArray(s.id, page.map((m) => m.id))) as (ItemRow & { headline: string })[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const items = page.flatMap((m) => {
    const r = byId.get(m.id);
    return r ? [{ ...toItem(r), score: m.score, snippet: snippetHtml(r.headline) }] : [];
  });
  const last = page[page.length - 1];
  return { items, next_cursor: more ? encodeCursor(CURSOR_KIND, last.score, last.id) : null, ...base };
}
