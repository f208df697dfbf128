import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { addProvider, TEST_DAY, TEST_NOW } from '../../../test/support/catalog-fixtures.ts';
import { scholarships } from '../db/schema/index.ts';
import { SearchQuery } from './query.ts';
import { searchScholarships } from './search.ts';

/**
 * The search page's count comes out of the search statement itself (search.ts `countedSql`): these
 * cases pin it to numbers the fixture makes true, on every path through that statement (title tier
 * alone, title tier filling the page, the other tier for rows or only for the count, cursors in
 * either tier) and at the cap's edge.
 */
let t: TestBackend;

type Row = typeof scholarships.$inferInsert;
let seq = 0;
function rows(
  n: number,
  title: (i: number) => string,
  extra: Partial<Row> | ((i: number) => Partial<Row>) = {},
): Omit<Row, 'providerId'>[] {
  return Array.from({ length: n }, (_, i) => ({
    title: title(i),
    slug: `count-${++seq}`,
    description: 'A scholarship for testing.',
    amount: 1000 + i,
    deadline: '2026-06-30',
    ...(typeof extra === 'function' ? extra(i) : extra),
  }));
}

beforeAll(async () => {
  t = await createTestBackend({ now: TEST_NOW });
  const p = await addProvider(t.deps.db, 'Count Test Fund');
  const all = [
    // quasar: 520 title matches, so the title tier alone proves "more than 500".
    ...rows(520, (i) => `Quasar Award ${i}`),
    // nebula: 12 in titles, 600 only in descriptions.
    ...rows(12, (i) => `Nebula Grant ${i}`),
    ...rows(600, (i) => `Stargazer Prize ${i}`, { description: 'For students who map a nebula.' }),
    // pulsar: 7 in titles + 30 in descriptions open; closed and draft ones never counted unless asked.
    ...rows(7, (i) => `Pulsar Fellowship ${i}`, { states: ['TX'] }),
    ...rows(
      30,
      (i) => `Radio Astronomy Award ${i}`,
      (i) => ({
        description: i < 10 ? 'Pulsar timing and cepheid variables.' : 'Pulsar timing research.',
        states: i < 20 ? ['CA'] : [],
      }),
    ),
    ...rows(3, (i) => `Old Pulsar Award ${i}`, { deadline: '2025-12-31' }),
    ...rows(2, (i) => `Draft Pulsar Award ${i}`, { published: false }),
    // magnetar: 495 + 5 = exactly 500; blazar: 495 + 6 = 501.
    ...rows(495, (i) => `Magnetar Award ${i}`),
    ...rows(5, (i) => `Comet Award ${i}`, { description: 'Magnetar studies.' }),
    ...rows(495, (i) => `Blazar Award ${i}`),
    ...rows(6, (i) => `Meteor Award ${i}`, { description: 'Blazar studies.' }),
  ];
  for (let i = 0; i < all.length; i += 500) {
    await t.deps.db.insert(scholarships).values(all.slice(i, i + 500).map((r) => ({ ...r, providerId: p.id })));
  }
}, 60_000);
afterAll(() => t?.close());

const countOf = async (params: Record<string, string>) => {
  const q = SearchQuery.parse(params);
  const page = await searchScholarships(t.deps.db, q, TEST_DAY, { withCount: true });
  return { count: page.count, page };
};

/** Every page's count, following next links to the end. */
async function countsOnEveryPage(params: Record<string, string>): Promise<{ counts: number[]; seen: number }> {
  const counts: number[] = [];
  let seen = 0;
  let cursor: string | null = null;
  do {
    const { count, page } = await countOf({ ...params, ...(cursor ? { cursor } : {}) });
    counts.push(count!);
    seen += page.items.length;
    cursor = page.next_cursor;
  } while (cursor);
  return { counts, seen };
}

describe('search count (from the search statement)', () => {
  it.each([
    ['quasar', {}, 501, 'title tier alone is over the cap'],
    ['nebula', {}, 501, 'title tier short, the other tier fills the page and the count'],
    ['nebula', { limit: '5' }, 501, 'title tier fills the page; the other tier is read for the count only'],
    ['pulsar', {}, 37, 'exact below the cap; closed and draft ones left out'],
    ['pulsar', { limit: '5' }, 37, 'exact when the title tier fills the page'],
    ['pulsar', { include_closed: 'true' }, 40, 'closed ones counted when asked for; drafts never'],
    ['pulsar', { state: 'TX' }, 17, 'filters apply: 7 TX + 10 open to every state'],
    ['pulsar -cepheid', {}, 27, 'a negated word'],
    ['"pulsar timing"', {}, 30, 'a phrase'],
    ['magnetar', { limit: '5' }, 500, 'exactly the cap'],
    ['blazar', { limit: '5' }, 501, 'one over the cap'],
    ['zzyzxq', {}, 0, 'no match'],
  ] as [string, Record<string, string>, number, string][])('%s %j → %i (%s)', async (q, extra, expected) => {
    expect((await countOf({ q, ...extra })).count).toBe(expected);
  });

  it('every page of a result list shows the same count, cursors in either tier included', async () => {
    const pulsar = await countsOnEveryPage({ q: 'pulsar', limit: '5' });
    expect(pulsar.seen).toBe(37);
    expect(new Set(pulsar.counts)).toEqual(new Set([37]));
    const nebula = await countsOnEveryPage({ q: 'nebula', limit: '100' });
    expect(nebula.seen).toBe(612);
    expect(new Set(nebula.counts)).toEqual(new Set([501]));
  });

  it('the count belongs to the corrected query when a typo is corrected', async () => {
    const { count, page } = await countOf({ q: 'pulsr' });
    expect(page.corrected_query).toBe('pulsar');
    expect(count).toBe(37);
  });

  it('the API answer carries no count', async () => {
    const r = await t.request('/api/search?q=pulsar');
    expect(Object.keys((await r.json()) as object).sort()).toEqual([
      'corrected_query',
      'corrections',
      'items',
      'next_cursor',
    ]);
  });

  it('the search page says the count: exact below the cap, "more than 500" above it', async () => {
    const text = async (q: string) => {
      const html = await (
        await t.request(`/search?q=${encodeURIComponent(q)}`, { headers: { accept: 'text/html' } })
      ).text();
      return /<p role="status"><strong>([^<]+)<\/strong> match “([^”]+)”/.exec(html)?.slice(1);
    };
    expect(await text('pulsar')).toEqual(['37 scholarships', 'pulsar']);
    expect(await text('magnetar')).toEqual(['500 scholarships', 'magnetar']);
    expect(await text('blazar')).toEqual(['More than 500 scholarships', 'blazar']);
    expect(await text('quasar')).toEqual(['More than 500 scholarships', 'quasar']);
    expect(await text('pulsr')).toEqual(['37 scholarships', 'pulsar']);
  });
});
