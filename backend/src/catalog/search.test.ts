import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { seedDemo } from '../db/seed.ts';
import { addProvider, addScholarship, TEST_DAY, TEST_NOW } from '../../../test/support/catalog-fixtures.ts';
import { snippetHtml } from './search.ts';

let t: TestBackend;

beforeAll(async () => {
  t = await createTestBackend({ now: TEST_NOW });
  await seedDemo(t.deps.db, { count: 80, anchor: new Date(`${TEST_DAY}T00:00:00Z`) });
  const p = await addProvider(t.deps.db);
  await addScholarship(t.deps.db, p.id, {
    title: 'Zephyrine Aviation Award',
    slug: 'zephyrine-aviation-award',
    description: 'For future pilots and mechanics.',
  });
  await addScholarship(t.deps.db, p.id, {
    title: 'Hometown Service Grant',
    slug: 'hometown-service-grant',
    description:
      'Open to students in aviation programs. Aviation, aviation and more aviation: every aviation major may apply. <script>alert(1)</script>',
  });
  await addScholarship(t.deps.db, p.id, {
    title: 'Closed Aviation Prize',
    slug: 'closed-aviation-prize',
    deadline: '2025-12-31',
  });
  await addScholarship(t.deps.db, p.id, { title: 'Riverside Nursing Scholarship', slug: 'riverside-nursing' });
  await addScholarship(t.deps.db, p.id, { title: 'Young Scholars Fund', slug: 'young-scholars-fund' });
  await addScholarship(t.deps.db, p.id, { title: 'First Generation Grant', slug: 'first-generation-grant' });
  for (let i = 0; i < 9; i++) {
    await addScholarship(t.deps.db, p.id, {
      title: `Quillwort Botany Award ${i}`,
      slug: `quillwort-botany-${i}`,
      amount: 1000 + i,
      states: i % 2 ? ['TX'] : ['CA'],
    });
  }
});
afterAll(() => t?.close());

type Hit = { slug: string; score: number; snippet: string; states: string[] };
type Body = { items: Hit[]; next_cursor: string | null; corrected_query: string | null };
const search = async (q: string, extra = '') => {
  const r = await t.request(`/api/search?q=${encodeURIComponent(q)}${extra}`);
  return { status: r.status, body: (await r.json()) as Body, type: r.headers.get('content-type') };
};

describe('GET /api/search', () => {
  it('ranks a title match above a description-only mention', async () => {
    const { status, body } = await search('aviation');
    expect(status).toBe(200);
    const slugs = body.items.map((i) => i.slug);
    expect(slugs.indexOf('zephyrine-aviation-award')).toBe(0);
    expect(slugs).toContain('hometown-service-grant');
    expect(slugs).not.toContain('closed-aviation-prize');
    expect(body.items[0].score).toBeGreaterThan(body.items[slugs.indexOf('hometown-service-grant')].score);
  });

  it('finds the right scholarship despite a one-letter typo', async () => {
    for (const typo of ['zephyrin', 'zephyrune', 'aviaton']) {
      const { status, body } = await search(typo);
      expect(status).toBe(200);
      expect(
        body.items.map((i) => i.slug),
        typo,
      ).toContain('zephyrine-aviation-award');
      // "zephyrin" is already the stem of "zephyrine": the typed query finds it, so nothing is corrected.
      expect(body.corrected_query === null, typo).toBe(typo === 'zephyrin');
    }
    expect((await search('zephyrine')).body.corrected_query).toBeNull();
  });

  it('a correction is offered only when it finds more than what was typed', async () => {
    const nursing = (await search('nursing scholarshp')).body;
    expect(nursing.corrected_query).toBe('nursing scholarship');
    expect(nursing.items.map((i) => i.slug)).toContain('riverside-nursing');
    const fist = (await search('fist generation')).body;
    expect(fist.corrected_query).toBe('first generation');
    expect(fist.items.map((i) => i.slug)).toContain('first-generation-grant');
    // "botanx" → "botany" adds nothing to an OR that already finds every Quillwort row: no correction.
    const same = (await search('quillwort or botanx')).body;
    expect(same.corrected_query).toBeNull();
    expect(same.items.length).toBeGreaterThan(0);
  });

  it('highlights matches in an escaped snippet', async () => {
    const hit = (await search('aviation')).body.items.find((i) => i.slug === 'hometown-service-grant')!;
    expect(hit.snippet).toContain('<mark>');
    expect(hit.snippet).not.toMatch(/<(?!\/?mark>)/);
    expect(snippetHtml('a \u0001x<b>y\u0002 & "c"')).toBe('a <mark>x y</mark> &#38; &#34;c&#34;');
    expect(snippetHtml('1 < 2')).toBe('1 &#60; 2');
    for (const hostile of [
      '1 < 2 <script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '\u0001<b\u0002>x',
      '<<a>>"\'&',
    ]) {
      expect(snippetHtml(hostile)).not.toMatch(/<(?!\/?mark>)/);
    }
    expect(snippetHtml('\u0002x\u0001y')).toBe('x<mark>y</mark>');
  });

  it('understands web-search syntax', async () => {
    expect((await search('"first-generation" OR "low income" -- grad')).status).toBe(200);
    const { status, body } = await search('"zephyrine aviation" OR quillwort');
    expect(status).toBe(200);
    expect(body.items.length).toBeGreaterThanOrEqual(10);
    const neg = await search('aviation -pilots');
    expect(neg.body.items.map((i) => i.slug)).not.toContain('zephyrine-aviation-award');
    // Negated words must not flatten the ranking (ts_rank scores such queries 1e-20).
    expect(neg.body.items.find((i) => i.slug === 'hometown-service-grant')!.score).toBeGreaterThan(0.01);
  });

  it('applies filters and pages without duplicates', async () => {
    const seen: Hit[] = [];
    let cursor: string | null = null;
    do {
      const { body }: { body: Body } = await search(
        'quillwort',
        `&limit=2&state=TX${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...body.items);
      cursor = body.next_cursor;
    } while (cursor);
    expect(seen.map((h) => h.slug).sort()).toEqual([
      'quillwort-botany-1',
      'quillwort-botany-3',
      'quillwort-botany-5',
      'quillwort-botany-7',
    ]);
  });

  it.each([
    "'",
    '"',
    '&|!',
    '(',
    ')',
    '\\',
    '!!!',
    'a:*',
    "o'brien",
    '"unterminated',
    'or or or',
    '-',
    '<script>',
    '%00',
    '\u0000nul',
    '😀',
    'a & b | !c',
    "1' OR '1'='1",
    'x'.repeat(200),
    'x'.repeat(10_000),
    'word '.repeat(39),
  ])('never fails on hostile input %#', async (q) => {
    const r = await search(q);
    expect([200, 400]).toContain(r.status);
    if (r.status === 400) expect((r.body as unknown as { errors: { path: string }[] }).errors[0].path).toBe('q');
  });

  it.each(['%ED%A0%80', '%FF%FE', '%', '%00', '%C0%AF'])('never fails on malformed encodings (q=%s)', async (raw) => {
    const r = await t.request(`/api/search?q=${raw}`);
    expect([200, 400]).toContain(r.status);
  });

  it('requires q', async () => {
    for (const qs of ['', '?q=', '?q=%20%20']) {
      const r = await t.request(`/api/search${qs}`);
      expect(r.status).toBe(400);
    }
  });
});
