import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { addProvider, addUser, tokenFor } from '../../../test/support/catalog-fixtures.ts';
import { ACCESS_COOKIE } from '../auth/middleware.ts';

let t: TestBackend;
let alice: string;
let bob: string;
const ORIGIN = 'http://127.0.0.1:8787';
beforeAll(async () => {
  t = await createTestBackend();
  const [pa, pb] = [
    await addProvider(t.deps.db, 'Harbor Lights Foundation'),
    await addProvider(t.deps.db, 'Bob Trust'),
  ];
  alice = await tokenFor(t.deps, await addUser(t.deps.db, 'provider', pa.id));
  bob = await tokenFor(t.deps, await addUser(t.deps.db, 'provider', pb.id));
});
afterAll(() => t?.close());

const SCRIPT = '<p>Supports <b>nursing</b> students.</p><script>alert(1)</script><img src=x onerror=alert(2)>';
const VALID = {
  title: 'Harbor Lights Nursing Award',
  description: SCRIPT,
  amount: '$2,550',
  deadline: '2099-05-01',
  levels: 'undergraduate',
  min_gpa: '3.0',
  states: 'ca, ny',
};

function post(token: string, path: string, fields: Record<string, string> | URLSearchParams, origin = ORIGIN) {
  return t.request(path, {
    method: 'POST',
    headers: { cookie: `${ACCESS_COOKIE}=${token}`, origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}
const get = (token: string, path: string) => t.request(path, { headers: { cookie: `${ACCESS_COOKIE}=${token}` } });

describe('provider portal pages', () => {
  it('create → draft preview (own only) → publish → public → close → hidden; markup stays inert', async () => {
    const created = await post(alice, '/provider/scholarships', VALID);
    expect(created.status).toBe(303);
    const preview = created.headers.get('location')!;
    const id = /\/provider\/scholarships\/([0-9a-f-]+)\/preview/.exec(preview)![1];
    const draft = await get(alice, preview);
    expect(draft.status).toBe(200);
    const html = await draft.text();
    expect(html).toContain('Preview.');
    expect(html).toContain('Draft (only you can see it)');
    expect(html).toContain('<b>nursing</b>');
    expect(html).not.toMatch(/<script>alert|onerror|<img/);
    expect(html).toContain('Harbor Lights Foundation');
    expect((await get(bob, preview)).status).toBe(404);
    expect((await t.request('/scholarships/harbor-lights-nursing-award')).status).toBe(404);

    const home = await (await get(alice, '/provider')).text();
    expect(home).toContain('Harbor Lights Nursing Award');
    expect(home).toContain('for <strong>Harbor Lights Foundation</strong>');

    expect((await post(alice, `/provider/scholarships/${id}/status`, { action: 'publish' })).status).toBe(303);
    const pub = await t.request('/scholarships/harbor-lights-nursing-award');
    expect(pub.status).toBe(200);
    const pubHtml = await pub.text();
    expect(pubHtml).toContain('$2,550');
    expect(pubHtml).not.toMatch(/<script>alert|onerror/);

    expect((await post(alice, `/provider/scholarships/${id}/status`, { action: 'close' })).status).toBe(303);
    expect((await t.request('/scholarships/harbor-lights-nursing-award')).status).toBe(404);
    const api = await t.request(`/api/provider/scholarships/${id}`, { token: alice });
    expect(await api.json()).toMatchObject({ status: 'closed', published: false, amount: 2550, states: ['CA', 'NY'] });
  });

  it('edits keep the status and the slug; another provider cannot edit', async () => {
    const created = await post(alice, '/provider/scholarships', { ...VALID, title: 'Edit Me Award' });
    const id = /scholarships\/([0-9a-f-]+)\//.exec(created.headers.get('location')!)![1];
    const form = await (await get(alice, `/provider/scholarships/${id}/edit`)).text();
    expect(form).toContain('value="Edit Me Award"');
    const edited = await post(alice, `/provider/scholarships/${id}`, { ...VALID, title: 'Edited Award' });
    expect(edited.status).toBe(303);
    const api = await (await t.request(`/api/provider/scholarships/${id}`, { token: alice })).json();
    expect(api).toMatchObject({ title: 'Edited Award', slug: 'edit-me-award', status: 'draft' });
    expect((await post(bob, `/provider/scholarships/${id}`, { ...VALID, title: 'Hijacked' })).status).toBe(404);
  });

  it.each([
    [{ title: '' }, 'title', 'Enter a title'],
    [{ amount: '12.5' }, 'amount', 'whole dollars'],
    [{ amount: 'lots' }, 'amount', 'whole dollars'],
    [{ deadline: '2026-02-30' }, 'deadline', 'real date'],
    [{ min_gpa: '5' }, 'min_gpa', 'between 0 and 4'],
    [{ states: 'XX' }, 'states', 'two-letter'],
  ])('refuses %o with a plain message at %s and writes nothing', async (change, field, message) => {
    const r = await post(alice, '/provider/scholarships', { ...VALID, title: `Invalid ${field}`, ...change });
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).toContain(message);
    expect(html).toContain(`id="${field}-error"`);
    expect(html).not.toMatch(/Too small|expected number|Invalid input/);
  });

  it('refuses forms from another site and sends anonymous visitors to log in', async () => {
    expect((await post(alice, '/provider/scholarships', VALID, 'https://evil.example')).status).toBe(403);
    const anon = await t.request('/provider/scholarships/new');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/provider/login');
  });
});
