import { and, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.ts';
import { scholarships as s, providers as p } from '../db/schema/index.ts';
import { filterConditions } from './filters.ts';
import { itemColumns, providerJoin, toItem, plainText, type ItemRow } from './serialize.ts';
import { encodeCursor, decodeCursor, isFiniteNumber } from './cursor.ts';
import { correctQuery, type Correction } from './typo.ts';
import type { SearchQuery } from './query.ts';
import { escapeHtml } from '../pages/sanitize-html.ts';
import { COUNT_CAP as SHOWN_COUNT_CAP } from './count.ts';

/**
 * Added to the score of title matches (every query term in the title, via `title_vector`):
 * ts_rank of a description-only match stays far below it, so title matches always rank first.
 */
const TITLE_BOOST = 1000;
/**
 * Matches ranked per tier (title matches, then the rest). Ranking reads every candidate's row, so
 * an unbounded broad query ("scholarship") would cost ~100k row reads; past 1,000 strong matches a
 * user refines the query rather than paging on. Bounded work per request, as for every input.
 */
const MAX_RANKED_PER_TIER = 1000;
/**
 * Relevance within a tier. ts_rank weighs A > B > C and, for several words, how close together they
 * stand; it costs ~0.3 µs per candidate where cover density (ts_rank_cd) costs ~1.7 µs for two
 * words. But ts_rank scores every query with a negated word (`history -memorial`) 1e-20, so those
 * queries are ranked by ts_rank_cd. One query always uses one function, so scores stay comparable.
 */
const RANK = sql`case when strpos(query.q::text, '!') = 0 then ts_rank(search_vector, query.q) else ts_rank_cd(search_vector, query.q) end`;
/** ts_headline markers: control characters cannot occur in stored text (validation strips them). */
const START = '\u0001';
const STOP = '\u0002';
/** One best passage: the fragment mode (MaxFragments) costs ~3x as much per row. */
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=12`;
/**
 * Characters of a description that a result's snippet and summary are made from. Descriptions hold
 * up to 20,000 characters and ts_headline parses all it is given: twenty such rows cost ~55 ms of
 * database time against ~1 ms for typical ~400-character ones, and a provider could fill long
 * descriptions with popular words. A match past this point is still found and ranked (search_vector
 * covers the whole text); its snippet is then the opening of the description. A tag cut at the
 * boundary is dropped, so no half tag reaches a snippet or a summary.
 */
const SNIPPET_SOURCE_CHARS = 2_000;
const SNIPPET_SOURCE = sql`regexp_replace(left(${s.description}, ${SNIPPET_SOURCE_CHARS}), '<[^>]*$', '')`;
const CURSOR_KIND = 's';
/**
 * Candidates are the first matches in table order, so every scan that reads them must start at the
 * table's first page. A sequential scan (the plan for a word most rows contain) of a table larger
 * than a quarter of shared_buffers starts where another scan of that table stopped
 * (synchronize_seqscans): "leadership" ranked a different thousand rows on every request, and its
 * next page repeated or skipped results. A startup parameter would do the same but PgBouncer
 * refuses unknown ones, and a transaction around SET LOCAL costs three round trips; this condition
 * has no column, so the planner runs it once, before the scan begins (a One-Time Filter), and
 * `set_config(…, true)` lasts only until this statement's transaction ends.
 */
const SCAN_FROM_FIRST_PAGE = sql`(select set_config('synchronize_seqscans', 'off', true)) = 'off'`;

/**
 * Drops the description's own tags (ts_headline keeps whole tags as tokens), escapes the text, then
 * turns the markers into `<mark>`: the only HTML a snippet can contain.
 * @internal exported for its tests
 */
export function snippetHtml(headline: string): string {
  const marks = { [START]: '<mark>', [STOP]: '</mark>' } as Record<string, string>;
  let open = false;
  return (
    escapeHtml(plainText(headline)).replace(/[\u0001\u0002]/g, (m) => {
      if ((m === START) === open) return '';
      open = !open;
      return marks[m];
    }) + (open ? '</mark>' : '')
  );
}

export interface SearchPage {
  items: (ReturnType<typeof toItem> & { score: number; snippet: string })[];
  next_cursor: string | null;
  /** The query actually run when a word was corrected, else null. */
  corrected_query: string | null;
  corrections: Correction[];
  /**
   * Only when asked for (the HTML page): open scholarships matching the query actually run, exact up
   * to SHOWN_COUNT_CAP, else above it. Not part of the API's answer.
   */
  count?: number;
}

/**
 * One tier's matches as a subquery `(id, score)`, unordered. Candidates are cut at
 * MAX_RANKED_PER_TIER (or `limit`) before ranking, in the same (physical) order on every page, so
 * pages stay consistent.
 *
 * Title tier: the title GIN index finds the rows. A title match is a full match unless the query
 * negates a word (`-memorial`: the description may hold it), because `search_vector` contains the
 * title's lexemes at the same positions; only then is `search_vector` checked, row by row. Asking
 * the planner for both indexes instead made it AND a bitmap of every row mentioning a common word
 * anywhere (32,000 for "leadership", 6 ms) into the title bitmap. So the title tier's matches are
 * a subset of all matches, and the other tier holds exactly the rest.
 */
function scoredSql(
  tier: 'title' | 'other',
  text: string,
  filters: SQL | undefined,
  limit: SQL = sql`${MAX_RANKED_PER_TIER}`,
): SQL {
  const match =
    tier === 'title'
      ? sql`title_vector @@ query.q and (strpos(query.q::text, '!') = 0 or search_vector @@ query.q)`
      : sql`search_vector @@ query.q and not (title_vector @@ query.q)`;
  return sql`
    select id, (${tier === 'title' ? TITLE_BOOST : 0} + ${RANK})::float8 as score
    from (
      select ${s.id} as id, search_vector from ${s}, websearch_to_tsquery('english', ${text}) as query(q)
      where ${match} and ${filters} and ${SCAN_FROM_FIRST_PAGE}
      limit ${limit}
    ) candidates, websearch_to_tsquery('english', ${text}) as query(q)`;
}

/** The best `take` of scored rows after the cursor. */
function topSql(scored: SQL, after: SQL, take: number): SQL {
  return sql`select id, score from (${scored}) ranked ${after} order by score desc, id desc limit ${take}`;
}

/** One tier's ranked matches as a subquery `(id, score)`, best first, at most `take`, after the cursor. */
function tierSql(tier: 'title' | 'other', text: string, filters: SQL | undefined, after: SQL, take: number): SQL {
  return topSql(scoredSql(tier, text, filters), after, take);
}

/**
 * The ranked rows `(id, score, total)` of a page that shows how many scholarships match: the count
 * comes from the candidates the ranking reads anyway, instead of a second scan of the same index.
 * The tiers are disjoint and `total` is their candidates added up, so it is exact up to
 * SHOWN_COUNT_CAP and above it whenever the true count is. The other tier reads its usual
 * MAX_RANKED_PER_TIER candidates when the page needs its rows; when the title tier fills the page,
 * it reads only as many as the count still needs (none once the title tier alone proves "more than
 * SHOWN_COUNT_CAP", as for every broad query): its rows rank below the page then, so the shorter
 * candidate list changes nothing shown.
 */
function countedSql(text: string, filters: SQL | undefined, after: SQL, take: number): SQL {
  const otherLimit = sql`case when (select count(*) from title_tier) < ${take} then ${MAX_RANKED_PER_TIER}
    else greatest(0, ${SHOWN_COUNT_CAP + 1} - (select count(*) from title_scored)) end`;
  return sql`with title_scored as (${scoredSql('title', text, filters)}),
    title_tier as (${topSql(sql`select id, score from title_scored`, after, take)}),
    other_scored as (${scoredSql('other', text, filters, otherLimit)}),
    total as (select (select count(*) from title_scored) + (select count(*) from other_scored) as n)
    select id, score, total.n as total from (
      select id, score from title_tier
      union all
      select id, score from (${topSql(sql`select id, score from other_scored`, after, take)}) other_tier
    ) tiers, total`;
}

/** Matches counted when a correction is weighed; past this many, both queries are "plenty". */
const COUNT_CAP = MAX_RANKED_PER_TIER;

/** Matches of `text` with the filters, at most `limit` (a number or a subquery). */
function hitsSql(text: string, filters: SQL | undefined, limit: SQL): SQL {
  return sql`select count(*) as n from (
    select 1 from ${s}, websearch_to_tsquery('english', ${text}) as query(q)
    where search_vector @@ query.q and ${filters} limit ${limit}) hits`;
}

/**
 * A correction is only offered when it finds more than what was typed (with the same filters, each
 * counted up to COUNT_CAP): "nursing scholarshp" must never announce a corrected query above "no
 * results". One statement, and the corrected query is counted only as far as that answer needs:
 * one match past the typed count (usually one row, since a misspelling rarely matches anything), none
 * when the typed count is already at the cap; nothing is counted when both stem to the same query
 * ("enginering" and "engineering" both search for `engin`). Only queries with an unknown word pay.
 */
async function keepIfMoreResults(
  db: Db,
  typed: string,
  fix: { text: string; corrections: Correction[] },
  filters: SQL | undefined,
): Promise<{ text: string; corrections: Correction[] }> {
  if (fix.corrections.length === 0) return fix;
  const rows = rowsOf<{ more: boolean }>(
    await db.execute(sql`with typed as (${hitsSql(typed, filters, sql`${COUNT_CAP}`)})
      select (${hitsSql(fix.text, filters, sql`(select case when n >= ${COUNT_CAP} then 0 else n + 1 end from typed)`)}) > n as more
      from typed
      where websearch_to_tsquery('english', ${typed}) <> websearch_to_tsquery('english', ${fix.text})`),
  );
  return rows[0]?.more === true ? fix : { text: typed, corrections: [] };
}

/**
 * `GET /api/search`: full-text match, ranked, highlighted; misspelled words corrected first.
 * `withCount` adds `count` (the search page shows it), computed in the same statement.
 */
export async function searchScholarships(
  db: Db,
  q: SearchQuery,
  day: string,
  opts: { withCount?: boolean } = {},
): Promise<SearchPage> {
  const after = q.cursor ? decodeCursor(q.cursor, CURSOR_KIND, isFiniteNumber) : null;
  const filters = and(...filterConditions(q, day));
  const { text, corrections } = await keepIfMoreResults(db, q.q, await correctQuery(db, q.q), filters);
  const take = q.limit + 1;
  const keyset = after ? sql`where (score, id) < (${after.value}::float8, ${after.id}::uuid)` : sql``;
  // One statement: the title tier, the other tier only when the title tier cannot fill the page
  // (a one-time filter, so its index is not even read), then the page's rows with snippets.
  const inTitleTier = !after || Number(after.value) >= TITLE_BOOST;
  const other = () => tierSql('other', text, filters, keyset, take);
  const ranked = opts.withCount
    ? countedSql(text, filters, keyset, take)
    : inTitleTier
      ? sql`with title_tier as (${tierSql('title', text, filters, keyset, take)})
        select id, score, null::bigint as total from title_tier
        union all
        select id, score, null from (${other()}) other_tier where (select count(*) from title_tier) < ${take}`
      : sql`select id, score, null::bigint as total from (${other()}) other_tier`;
  const rows = (await db
    .select({
      ...itemColumns,
      // Only the summary (its first 240 characters of text) is made from it.
      description: sql<string>`${SNIPPET_SOURCE}`,
      score: sql<number>`page.score`.mapWith(Number),
      total: sql<number | null>`page.total`,
      // The extra row only tells whether there is a next page: no snippet for it.
      headline: sql<string | null>`case when page.n <= ${q.limit}
      then ts_headline('english', ${SNIPPET_SOURCE}, websearch_to_tsquery('english', ${text}), ${HEADLINE_OPTIONS}) end`,
    })
    .from(sql`(
      select id, score, total, row_number() over (order by score desc, id desc) as n
      from (${ranked}) tiers order by score desc, id desc limit ${take}
    ) as page`)
    .innerJoin(s, sql`${s.id} = page.id`)
    .innerJoin(p, providerJoin)
    .orderBy(sql`page.n`)) as (ItemRow & { score: number; total: number | string | null; headline: string | null })[];
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const items = page.map((r) => ({ ...toItem(r), score: r.score, snippet: snippetHtml(r.headline ?? '') }));
  const last = page[page.length - 1];
  const result: SearchPage = {
    items,
    next_cursor: more && last ? encodeCursor(CURSOR_KIND, last.score, last.id) : null,
    corrected_query: corrections.length ? text : null,
    corrections,
  };
  // Every row carries the total; a page without rows shows "no results" rather than a count.
  if (opts.withCount) result.count = Math.min(Number(rows[0]?.total ?? 0), SHOWN_COUNT_CAP + 1);
  return result;
}
