import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { seedDemo } from '../db/seed.ts';
import { addProvider, addScholarship, TEST_DAY, TEST_NOW } from '../../../test/support/catalog-fixtures.ts';
import { scholarships } from '../db/schema/index.ts';

let t: TestBackend;
let all: (typeof scholarships.$inferSelect)[];

beforeAll(async () => {
  t = await createTestBackend({ now: TEST_NOW });
  await seedDemo(t.deps.db, { count: 150, anchor: new Date(`${TEST_DAY}T00:00:00Z`) });
  const p = await addProvider(t.deps.db);
  await addScholarship(t.deps.db, p.id, {
    title: 'Closed Archive Award',
    slug: 'closed-archive-award',
    deadline: '2025-12-01',
  });
  await addScholarship(t.deps.db, p.id, { title: 'Draft Hidden Award', slug: 'draft-hidden-award', published: false });
  all = await t.deps.db.select().from(scholarships);
});
afterAll(() => t?.close());

type Item = {
  id: string;
  slug: string;
  amount: number;
  deadline: string;
  levels: string[];
  fields: string[];
  states: string[];
  created_at: string;
};
async function walk(query: string, limit: number): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 500; i++) {
    const r = await t.request(`/api/scholarships?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { items: Item[]; next_cursor: string | null };
    expect(body.items.length).toBeLessThanOrEqual(limit);
    items.push(...body.items);
    cursor = body.next_cursor;
    if (!cursor) return items;
  }
  throw new Error('pagination did not end');
}

const open = (s: (typeof all)[number]) => s.published && s.deadline >= TEST_DAY;
const anyOr = (xs: string[], v: string) => xs.length === 0 || xs.includes(v);

/** Filter cases as data: query string → which rows must come back. */
const FILTER_CASES: { query: string; expect: (s: (typeof all)[number]) => boolean }[] = [
  { query: 'sort=deadline', expect: open },
  { query: 'level=graduate', expect: (s) => open(s) && anyOr(s.levels, 'graduate') },
  { query: 'field=nursing', expect: (s) => open(s) && anyOr(s.fields, 'nursing') },
  { query: 'state=tx', expect: (s) => open(s) && anyOr(s.states, 'TX') },
  { query: 'min_amount=5000', expect: (s) => open(s) && s.amount >= 5000 },
  { query: 'deadline_after=2026-06-01', expect: (s) => open(s) && s.deadline > '2026-06-01' },
  { query: 'include_closed=true', expect: (s) => s.published },
  {
    query: 'level=undergraduate&field=engineering&min_amount=1000&sort=amount',
    expect: (s) => open(s) && anyOr(s.levels, 'undergraduate') && anyOr(s.fields, 'engineering') && s.amount >= 1000,
  },
];

describe('GET /api/scholarships', () => {
  it.each(FILTER_CASES)('filters: $query', async ({ query, expect: want }) => {
    const got = await walk(query, 100);
    const expected = all
      .filter(want)
      .map((s) => s.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(got.map((i) => i.id).sort()).toEqual(expected);
  });

  it('hides drafts and closed scholarships by default', async () => {
    const slugs = (await walk('', 100)).map((i) => i.slug);
    expect(slugs).not.toContain('draft-hidden-award');
    expect(slugs).not.toContain('closed-archive-award');
    expect((await walk('include_closed=true', 100)).map((i) => i.slug)).toContain('closed-archive-award');
  });

  it.each([
    {
      sort: 'deadline',
      cmp: (a: Item, b: Item) => a.deadline < b.deadline || (a.deadline === b.deadline && a.id < b.id),
    },
    { sort: 'amount', cmp: (a: Item, b: Item) => a.amount > b.amount || (a.amount === b.amount && a.id > b.id) },
    { sort: 'newest', cmp: (a: Item, b: Item) => a.created_at >= b.created_at },
  ])('pages through sort=$sort without duplicates or gaps', async ({ sort, cmp }) => {
    const items = await walk(`sort=${sort}`, 7);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect(items.length).toBe(all.filter(open).length);
    for (let i = 1; i < items.length; i++) expect(cmp(items[i - 1], items[i])).toBe(true);
  });

  it('defaults to 20 items and a cursor', async () => {
    const body = (await (await t.request('/api/scholarships')).json()) as { items: unknown[]; next_cursor: string };
    expect(body.items).toHaveLength(20);
    expect(typeof body.next_cursor).toBe('string');
  });

  it.each([
    'limit=0',
    'limit=101',
    'limit=abc',
    'sort=popular',
    'level=phd',
    'field=astrology',
    'state=ZZ',
    'min_amount=-1',
    'deadline_after=2026-02-30',
    'utm=1',
  ])('rejects %s with 400 naming the parameter', async (query) => {
    const r = await t.request(`/api/scholarships?${query}`);
    expect(r.status).toBe(400);
    const body = (await r.json()) as { code: string; errors: { path: string }[] };
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e) => e.path).join(',')).toContain(query.split('=')[0]);
  });

  it('accepts limit=100', async () => {
    const r = await t.request('/api/scholarships?limit=100');
    expect(r.status).toBe(200);
    expect(((await r.json()) as { items: unknown[] }).items).toHaveLength(100);
  });

  it('refuses tampered cursors and cursors of another sort', async () => {
    const first = (await (await t.request('/api/scholarships?limit=5')).json()) as { next_cursor: string };
    const c = first.next_cursor;
    const flipped = c.slice(0, 10) + (c[10] === 'A' ? 'B' : 'A') + c.slice(11);
    const decoded = JSON.parse(Buffer.from(c, 'base64url').toString());
    decoded[1] = '2099-01-01';
    const forgedValue = Buffer.from(JSON.stringify(decoded)).toString('base64url');
    for (const [cursor, sort] of [
      [flipped, 'deadline'],
      [c.slice(0, -3), 'deadline'],
      ['%%%', 'deadline'],
      [forgedValue, 'deadline'],
      [c, 'amount'],
      ['W10', 'deadline'],
    ]) {
      const r = await t.request(`/api/scholarships?sort=${sort}&cursor=${encodeURIComponent(cursor)}`);
      expect(r.status, cursor).toBe(400);
      const body = (await r.json()) as { code: string; errors: { path: string }[] };
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.errors[0].path).toBe('cursor');
    }
  });
});

describe('GET /api/scholarships/:slug', () => {
  it('returns the detail with the full description', async () => {
    const s = all.find(open)!;
    const r = await t.request(`/api/scholarships/${s.slug}`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: s.id,
      slug: s.slug,
      title: s.title,
      description: s.description,
      amount: s.amount,
      essay_required: s.essayRequired,
    });
    expect(body.provider).toMatchObject({ name: expect.any(String) });
  });

  it.each(['no-such-scholarship', 'draft-hidden-award', 'UPPER', '%27%20or%201%3D1'])('404 for %s', async (slug) => {
    const r = await t.request(`/api/scholarships/${slug}`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { code: string }).code).toBe('NOT_FOUND');
  });
});
