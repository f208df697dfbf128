import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.ts';
import { seedDemo, DEMO_ACCOUNTS } from '../../backend/src/db/seed.ts';

/**
 * The catalog journey through the gateway on workerd in front of the real backend, on the demo
 * data: browse, search (typo and web-search syntax), detail page, crawler files, eligibility,
 * recommendations for the demo student, and a listing created by the demo provider.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  await seedDemo(stack.database.db, { count: 300 });
});
afterAll(async () => {
  await stack?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${stack.gatewayUrl}${path}`, { headers, redirect: 'manual' });
const post = (path: string, json: unknown, headers: Record<string, string> = {}) =>
  fetch(`${stack.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(json),
  });

async function login(role: 'student' | 'provider'): Promise<string> {
  const a = DEMO_ACCOUNTS.find((x) => x.role === role)!;
  const r = await post(role === 'provider' ? '/api/provider/login' : '/api/auth/login', {
    email: a.email,
    password: a.password,
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as { access_token: string }).access_token;
}

describe('catalog through the gateway', () => {
  it('lists, pages and shows details', async () => {
    const first = (await (await get('/api/scholarships?limit=5&sort=amount')).json()) as {
      items: { slug: string }[];
      next_cursor: string;
    };
    expect(first.items).toHaveLength(5);
    const second = (await (await get(`/api/scholarships?limit=5&sort=amount&cursor=${first.next_cursor}`)).json()) as {
      items: { slug: string }[];
    };
    expect(second.items.map((i) => i.slug)).not.toContain(first.items[0].slug);
    const detail = await get(`/api/scholarships/${first.items[0].slug}`);
    expect(detail.status).toBe(200);
    const page = await get(`/scholarships/${first.items[0].slug}`, { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('application/ld+json');
  });

  it('searches with typos and web-search syntax', async () => {
    const typo = (await (await get('/api/search?q=nursng')).json()) as {
      items: { title: string }[];
      corrected_query: string;
    };
    expect(typo.corrected_query).toBe('nursing');
    expect(typo.items[0].title).toMatch(/Nursing/);
    const syntax = await get(`/api/search?q=${encodeURIComponent('"first-generation" OR "low income" -- grad')}`);
    expect(syntax.status).toBe(200);
    const html = await get('/search?q=engineering', { accept: 'text/html' });
    expect(await html.text()).toContain('<mark>');
  });

  it('serves robots.txt and a sitemap of every published scholarship', async () => {
    expect(await (await get('/robots.txt')).text()).toContain('Disallow: /api/');
    const xml = await (await get('/sitemap.xml')).text();
    expect((xml.match(/<loc>[^<]*\/scholarships\/[^<]+<\/loc>/g) ?? []).length).toBeGreaterThan(290);
  });

  it('checks eligibility anonymously and recommends for the demo student', async () => {
    const e = await post('/api/eligibility', {
      profile: { level: 'undergraduate', field_of_study: 'Nursing', gpa: 3.5, state: 'CA', citizenship: 'us_citizen' },
    });
    expect(e.status).toBe(200);
    expect(((await e.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    const token = await login('student');
    const r = await get('/api/recommendations', { authorization: `Bearer ${token}` });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it('lets the demo provider publish a listing that then appears publicly', async () => {
    const token = await login('provider');
    const created = await post(
      '/api/provider/scholarships',
      {
        title: 'Gatehouse E2E Lighthouse Award',
        description: 'For <b>students</b> who keep the lights on.',
        amount: 1234,
        deadline: '2099-01-01',
      },
      { authorization: `Bearer ${token}` },
    );
    expect(created.status).toBe(201);
    const { slug } = (await created.json()) as { slug: string };
    expect((await get(`/api/scholarships/${slug}`)).status).toBe(200);
    const found = (await (await get('/api/search?q=lighthouse')).json()) as { items: { slug: string }[] };
    expect(found.items.map((i) => i.slug)).toContain(slug);
  });
});
