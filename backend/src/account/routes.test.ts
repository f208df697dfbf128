import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { ACCESS_COOKIE } from '../auth/middleware.ts';
import { TEST_NOW, addProvider, addScholarship, addUser, tokenFor } from '../../../test/support/catalog-fixtures.ts';

let t: TestBackend;
let origin: string;
let slug: string;
beforeAll(async () => {
  t = await createTestBackend({ now: TEST_NOW });
  origin = new URL(t.deps.env.PUBLIC_URL).origin;
  const p = await addProvider(t.deps.db, 'Riverside Nursing Foundation');
  const s = await addScholarship(t.deps.db, p.id, {
    title: 'Riverside Nursing Award',
    fields: ['nursing'],
    levels: ['undergraduate'],
    minGpa: '3.00',
    deadline: '2026-02-14',
  });
  slug = s.slug;
});
afterAll(async () => t?.close());

async function student() {
  const u = await addUser(t.deps.db, 'student');
  const token = await tokenFor(t.deps, u);
  const cookie = `${ACCESS_COOKIE}=${token}`;
  const get = (path: string) => t.request(path, { headers: { accept: 'text/html', cookie } });
  const post = (path: string, fields: Record<string, string>) =>
    t.request(path, {
      method: 'POST',
      headers: { accept: 'text/html', cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  return { u, get, post };
}

describe('/account', () => {
  it('sends anonymous visitors to log in and back; providers get a 403 page', async () => {
    const r = await t.request('/account', { headers: { accept: 'text/html' } });
    expect([r.status, r.headers.get('location')]).toEqual([303, '/login?next=%2Faccount']);
    const prov = await addUser(t.deps.db, 'provider');
    const p = await t.request('/account', {
      headers: { accept: 'text/html', cookie: `${ACCESS_COOKIE}=${await tokenFor(t.deps, prov)}` },
    });
    expect(p.status).toBe(403);
    expect(await p.text()).toContain('<header>');
  });

  it('without a profile, eligibility and recommendations point to the form, not the API', async () => {
    const s = await student();
    const html = await (await s.get('/account')).text();
    expect(html).toContain('href="#profile"');
    expect(html).not.toContain('/api/');
    expect(html).toContain('Log out');
  });

  it('plain-language validation; nothing saved on error; typed values kept', async () => {
    const s = await student();
    const r = await s.post('/account/profile', { level: 'wizard', gpa: '5.1', state: 'ZZ', interests: 'chess' });
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).toContain('GPA must be a number from 0 to 4, like 3.4');
    expect(html).toContain('Choose your level of study from the list.');
    expect(html).toContain('Choose your state from the list.');
    expect(html).toContain('value="chess"');
    expect(html).not.toMatch(/expected|Too big|Invalid/);
    expect((await (await s.get('/account')).text()).includes('value="chess"')).toBe(false);
  });

  it('profile → eligibility with reasons → recommendations; markup in the profile renders inert', async () => {
    const s = await student();
    const r = await s.post('/account/profile', {
      level: 'undergraduate',
      field_of_study: 'Nursing',
      gpa: '3,5',
      state: 'CA',
      citizenship: 'us_citizen',
      interests: '<script>alert(1)</script>, <img src=x onerror=alert(2)>',
    });
    expect([r.status, r.headers.get('location')]).toEqual([303, '/account?saved=profile#eligibility']);
    const html = await (await s.get('/account?saved=profile')).text();
    expect(html).toContain('Your profile was saved');
    expect(html).toContain('Riverside Nursing Award');
    expect(html).toContain('Meets: Your GPA 3.50 meets the minimum 3.00');
    expect(html).toContain('value="3.50"');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('save and unsave from the detail page (POST forms, CSRF-checked)', async () => {
    const s = await student();
    const anon = await t.request(`/scholarships/${slug}`, { headers: { accept: 'text/html' } });
    expect(await anon.text()).toContain(`/login?next=${encodeURIComponent(`/scholarships/${slug}`)}`);
    expect(await (await s.get(`/scholarships/${slug}`)).text()).toContain('Save this scholarship');
    const saved = await s.post(`/scholarships/${slug}/save`, {});
    expect([saved.status, saved.headers.get('location')]).toEqual([303, `/scholarships/${slug}`]);
    expect((await s.post(`/scholarships/${slug}/save`, {})).status).toBe(303);
    const detail = await (await s.get(`/scholarships/${slug}`)).text();
    expect(detail).toContain('Saved: remove from my list');
    expect(detail).toContain('Closes in 30 days');
    expect(await (await s.get('/account')).text()).toMatch(/id="saved"[\s\S]*Riverside Nursing Award/);
    const gone = await s.post(`/scholarships/${slug}/unsave`, { next: '/account#saved' });
    expect(gone.headers.get('location')).toBe('/account#saved');
    expect(await (await s.get('/account')).text()).toContain('Nothing saved yet');
    const foreign = await t.request(`/scholarships/${slug}/save`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(foreign.status).toBe(403);
    expect((await s.post('/scholarships/no-such-thing/save', {})).status).toBe(404);
  });
});
