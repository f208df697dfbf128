import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { seedDemo } from '../db/seed.ts';
import { addProvider, addScholarship, TEST_DAY, TEST_NOW } from '../../../test/support/catalog-fixtures.ts';

let t: TestBackend;

beforeAll(async () => {
  t = await createTestBackend({ now: TEST_NOW, env: { PUBLIC_URL: 'https://scholarships.example.org' } });
  await seedDemo(t.deps.db, { count: 60, anchor: new Date(`${TEST_DAY}T00:00:00Z`) });
  const p = await addProvider(t.deps.db, 'Page Test Fund');
  await addScholarship(t.deps.db, p.id, {
    title: 'Evil </script><script>alert(1)</script> Award',
    slug: 'evil-award',
    amount: 4321,
    description: '<p>Real <b>bold</b> text.</p><script>alert(2)</script><img src=x onerror=alert(3)>',
  });
  await addScholarship(t.deps.db, p.id, { title: 'Draft Listing Of Page Test Fund', published: false });
});
afterAll(() => t?.close());

const page = async (path: string, init: { headers?: Record<string, string> } = {}) => {
  const r = await t.request(path, { ...init, headers: { accept: 'text/html', ...init.headers } });
  return {
    status: r.status,
    html: await r.text(),
    type: r.headers.get('content-type'),
    location: r.headers.get('location'),
  };
};

describe('pages', () => {
  it('/ has the intro, a search form and featured scholarships', async () => {
    const { status, html, type } = await page('/');
    expect(status).toBe(200);
    expect(type).toContain('text/html');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('Find scholarships you qualify for');
    expect(html).toMatch(/<form method="get" action="\/search"/);
    expect((html.match(/class="card"/g) ?? []).length).toBeGreaterThan(6);
  });

  it('/scholarships lists, filters and pages with plain links', async () => {
    const first = await page('/scholarships?level=graduate&field=&utm_source=x');
    expect(first.status).toBe(200);
    expect(first.html).toContain('Browse scholarships');
    expect(first.html).toMatch(/<option value="graduate" selected/);
    const next = /href="(\/scholarships\?[^"]*cursor=[^"]+)"/.exec(first.html);
    expect(next).not.toBeNull();
    const second = await page(next![1].replace(/&amp;/g, '&'));
    expect(second.status).toBe(200);
    const p1 = await page('/scholarships?utm_source=x');
    const p2 = await page(/href="([^"]*)" rel="next"/.exec(p1.html)![1].replace(/&amp;/g, '&'));
    const third = await page(/href="([^"]*)" rel="next"/.exec(p2.html)![1].replace(/&amp;/g, '&'));
    // Previous from page 3 is page 2 (same cursor), and from page 2 the first page (no cursor).
    const prev3 = /href="([^"]*)" rel="prev"/.exec(third.html)![1].replace(/&amp;/g, '&');
    const p2Next = /href="([^"]*)" rel="next"/.exec(p1.html)![1].replace(/&amp;/g, '&');
    expect(new URL(prev3, 'http://x').searchParams.get('cursor')).toBe(
      new URL(p2Next, 'http://x').searchParams.get('cursor'),
    );
    expect((await page(prev3)).html).toBe(p2.html);
    const prev2 = /href="([^"]*)" rel="prev"/.exec(p2.html)![1].replace(/&amp;/g, '&');
    expect(new URL(prev2, 'http://x').searchParams.has('cursor')).toBe(false);
    expect(first.html).not.toContain('rel="prev"');
    const bad = await page('/scholarships?limit=1000');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Results per page must be a whole number from 1 to 100.');
  });

  it('shows a result count; amounts are accepted as people write them; errors read plainly', async () => {
    const all = await page('/scholarships');
    expect(all.html).toMatch(/<strong>\d+ scholarships<\/strong> open/);
    for (const amount of ['%242%2C550', '2550', '2%2C550']) {
      const r = await page(`/scholarships?min_amount=${amount}`);
      expect(r.status, amount).toBe(200);
      expect(r.html).toContain('value="2550"');
    }
    const n = (html: string) => Number(/<strong>([\d,]+) scholarships?<\/strong>/.exec(html)![1].replace(/,/g, ''));
    expect(n((await page('/scholarships?min_amount=2550')).html)).toBeLessThan(n(all.html));
    for (const [query, message] of [
      ['min_amount=12.50', 'Minimum amount must be a whole dollar amount, like 2550 or $2,550.'],
      ['min_amount=-5', 'Minimum amount must be a whole dollar amount'],
      ['deadline_after=2026-02-30', 'must be a real date, like 2026-09-30'],
      ['state=ZZ', 'Choose a state from the list.'],
    ]) {
      const r = await page(`/scholarships?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.html, query).toContain(message);
      expect(r.html, query).not.toMatch(/expected|Too small|Invalid/);
    }
    const s = await page(`/search?q=${'x'.repeat(300)}`);
    expect(s.status).toBe(400);
    expect(s.html).toContain('at most 200 characters');
  });

  it('errors are pages in the site layout for browsers, problem+json for API clients', async () => {
    const html = await page('/no-such-page');
    expect(html.status).toBe(404);
    expect(html.html).toContain('<header>');
    expect(html.html).toContain('Page not found');
    expect(html.html).toMatch(/request id <code>[^<]+<\/code>/);
    const api = await t.request('/no-such-page', { headers: { accept: 'application/json' } });
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    expect(await api.json()).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('an unexpected failure is a 500 page in the layout, without the error text', async () => {
    const db = t.deps.db as unknown as { select: unknown };
    const select = db.select;
    db.select = () => {
      throw new Error('connection refused: secret-internal-detail');
    };
    try {
      const r = await page('/scholarships/evil-award');
      expect(r.status).toBe(500);
      expect(r.html).toContain('<header>');
      expect(r.html).toContain('Something went wrong on our side');
      expect(r.html).toMatch(/request id <code>[^<]+<\/code>/);
      expect(r.html).not.toContain('secret-internal-detail');
    } finally {
      db.select = select;
    }
  });

  it('privacy, terms, contact, favicon and Open Graph tags', async () => {
    for (const path of ['/privacy', '/terms', '/contact']) {
      const r = await page(path);
      expect(r.status, path).toBe(200);
      expect(r.html).toContain('href="/contact"');
    }
    expect((await page('/contact')).html).toContain('mailto:support@scholarships.example.org');
    const icon = await t.request('/favicon.ico');
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    const detail = (await page('/scholarships/evil-award')).html;
    expect(detail).toContain(
      '<meta property="og:url" content="https://scholarships.example.org/scholarships/evil-award"',
    );
    expect(detail).toContain('property="og:title"');
  });

  it('/scholarships/:slug renders escaped content and JSON-LD that parses', async () => {
    const { status, html } = await page('/scholarships/evil-award');
    expect(status).toBe(200);
    expect(html).toContain('$4,321');
    expect(html).toContain('<p>Real <b>bold</b> text.</p>');
    expect(html).not.toContain('alert(2)');
    expect(html).not.toContain('onerror');
    expect(html).not.toContain('<script>alert(1)');
    const blocks = [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)];
    expect(blocks).toHaveLength(1);
    const ld = JSON.parse(blocks[0][1]);
    expect(ld).toMatchObject({
      '@type': 'MonetaryGrant',
      name: 'Evil </script><script>alert(1)</script> Award',
      url: 'https://scholarships.example.org/scholarships/evil-award',
    });
    expect(ld.amount).toMatchObject({ currency: 'USD', value: 4321 });
    expect(html).toContain('<link rel="canonical" href="https://scholarships.example.org/scholarships/evil-award"');
  });

  it('unknown and draft scholarships are HTML 404s', async () => {
    for (const path of ['/scholarships/no-such-thing', '/scholarships/NOPE']) {
      const { status, html } = await page(path);
      expect(status).toBe(404);
      expect(html).toContain('Scholarship not found');
    }
  });

  it('/search shows highlighted snippets, corrections and survives hostile queries', async () => {
    const { status, html } = await page('/search?q=nursing');
    expect(status).toBe(200);
    expect(html).toContain('<mark>');
    const typo = await page('/search?q=nursng');
    expect(typo.html).toContain('Showing results for <strong>nursing</strong>');
    const empty = await page('/search');
    expect(empty.status).toBe(200);
    for (const q of ['%3Cscript%3Ealert(1)%3C%2Fscript%3E', '%27%22%26%7C!(', 'x'.repeat(5000)]) {
      const r = await page(`/search?q=${q}`);
      expect([200, 400]).toContain(r.status);
      expect(r.html).not.toContain('<script>alert(1)');
    }
  });
});
