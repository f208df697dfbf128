import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { addProvider, addUser, tokenFor } from '../../../test/support/catalog-fixtures.ts';
import { scholarships } from '../db/schema/index.ts';

let t: TestBackend;
let alice: string;
let bob: string;
let student: string;
let orphan: string;

beforeAll(async () => {
  t = await createTestBackend();
  const [pa, pb] = [await addProvider(t.deps.db, 'Alice Fund'), await addProvider(t.deps.db, 'Bob Trust')];
  alice = await tokenFor(t.deps, await addUser(t.deps.db, 'provider', pa.id));
  bob = await tokenFor(t.deps, await addUser(t.deps.db, 'provider', pb.id));
  student = await tokenFor(t.deps, await addUser(t.deps.db, 'student'));
  orphan = await tokenFor(t.deps, await addUser(t.deps.db, 'provider'));
});
afterAll(() => t?.close());

const VALID = {
  title: 'Harbor Lights Nursing Award',
  description: 'Supports <b>nursing</b> students.\nTwo lines.',
  amount: 2500,
  deadline: '2099-05-01',
  fields: ['nursing'],
  min_gpa: 3,
};
const create = (token: string, json: unknown) => t.request('/api/provider/scholarships', { json, token });

describe('provider portal', () => {
  it('needs a provider account linked to a provider', async () => {
    expect((await t.request('/api/provider/scholarships')).status).toBe(401);
    expect((await t.request('/api/provider/scholarships', { token: student })).status).toBe(403);
    expect((await t.request('/api/provider/scholarships', { token: orphan })).status).toBe(403);
  });

  it('creates listings with unique slugs and lists only your own', async () => {
    const r1 = await create(alice, VALID);
    expect(r1.status).toBe(201);
    const a = (await r1.json()) as {
      id: string;
      slug: string;
      description: string;
      min_gpa: number;
      published: boolean;
    };
    expect(a).toMatchObject({
      slug: 'harbor-lights-nursing-award',
      description: VALID.description,
      min_gpa: 3,
      published: true,
    });
    const r2 = await create(bob, VALID);
    const b = (await r2.json()) as { id: string; slug: string };
    expect(b.slug).toMatch(/^harbor-lights-nursing-award-[a-z0-9]{6}$/);
    const mine = (await (await t.request('/api/provider/scholarships', { token: alice })).json()) as {
      items: { id: string }[];
    };
    expect(mine.items.map((i) => i.id)).toEqual([a.id]);
    const pub = await t.request(`/api/scholarships/${a.slug}`);
    expect(pub.status).toBe(200);
  });

  it("answers 404 for another provider's listing, for reads and writes", async () => {
    const a = (await (await create(alice, { ...VALID, title: 'Alice Only Award' })).json()) as {
      id: string;
      slug: string;
    };
    expect((await t.request(`/api/provider/scholarships/${a.id}`, { token: bob })).status).toBe(404);
    const patch = await t.request(`/api/provider/scholarships/${a.id}`, {
      method: 'PATCH',
      json: { title: 'Hijacked' },
      token: bob,
    });
    expect(patch.status).toBe(404);
    const [row] = await t.deps.db
      .select()
      .from(scholarships)
      .where((await import('drizzle-orm')).eq(scholarships.id, a.id));
    expect(row.title).toBe('Alice Only Award');
    expect((await t.request('/api/provider/scholarships/not-a-uuid', { token: alice })).status).toBe(404);
  });

  it('updates fields but keeps the slug; unpublishing hides the public page', async () => {
    const a = (await (await create(alice, { ...VALID, title: 'Patchable Award' })).json()) as {
      id: string;
      slug: string;
    };
    const r = await t.request(`/api/provider/scholarships/${a.id}`, {
      method: 'PATCH',
      json: { title: 'Renamed Award', amount: 9000, published: false },
      token: alice,
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ slug: a.slug, title: 'Renamed Award', amount: 9000, published: false });
    expect((await t.request(`/api/scholarships/${a.slug}`)).status).toBe(404);
  });

  it.each([
    [{ ...VALID, title: 'x'.repeat(201) }, 'title'],
    [{ ...VALID, title: '   ' }, 'title'],
    [{ ...VALID, description: 'x'.repeat(20_001) }, 'description'],
    [{ ...VALID, amount: 12.5 }, 'amount'],
    [{ ...VALID, amount: '100' }, 'amount'],
    [{ ...VALID, deadline: '2026-02-30' }, 'deadline'],
    [{ ...VALID, fields: ['astrology'] }, 'fields.0'],
    [{ ...VALID, min_gpa: 4.5 }, 'min_gpa'],
    [{ ...VALID, owner: 'me' }, 'owner'],
    [{ title: 'Only a title' }, 'description'],
  ])('rejects invalid listing %# naming %s, writing nothing', async (json, path) => {
    const before = (await t.deps.db.select().from(scholarships)).length;
    const r = await create(alice, json);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
    expect((await t.deps.db.select().from(scholarships)).length).toBe(before);
  });

  it('rejects an empty PATCH and malformed JSON', async () => {
    const a = (await (await create(alice, { ...VALID, title: 'Empty Patch Award' })).json()) as { id: string };
    expect(
      (await t.request(`/api/provider/scholarships/${a.id}`, { method: 'PATCH', json: {}, token: alice })).status,
    ).toBe(400);
    const bad = await t.request('/api/provider/scholarships', {
      method: 'POST',
      body: '{"title":',
      headers: { 'content-type': 'application/json' },
      token: alice,
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('MALFORMED_JSON');
  });
});
