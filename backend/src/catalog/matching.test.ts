import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { seedDemo } from '../db/seed.ts';
import { scholarships, studentProfiles } from '../db/schema/index.ts';
import {
  addProvider,
  addScholarship,
  addUser,
  tokenFor,
  TEST_DAY,
  TEST_NOW,
} from '../../../test/support/catalog-fixtures.ts';
import { evaluate, type Profile } from './eligibility.ts';

let t: TestBackend;
let all: (typeof scholarships.$inferSelect)[];

const PROFILE: Profile = {
  level: 'undergraduate',
  field_of_study: 'Nursing',
  gpa: 3.2,
  state: 'CA',
  citizenship: 'us_citizen',
  interests: ['public health'],
};

beforeAll(async () => {
  t = await createTestBackend({ now: TEST_NOW });
  await seedDemo(t.deps.db, { count: 200, anchor: new Date(`${TEST_DAY}T00:00:00Z`) });
  const p = await addProvider(t.deps.db);
  await addScholarship(t.deps.db, p.id, { title: 'Closed Nursing Award', deadline: '2025-01-01' });
  all = await t.deps.db.select().from(scholarships);
});
afterAll(() => t?.close());

type Entry = { scholarship: { id: string }; reasons: { criterion: string; matched: boolean; detail: string }[] };
type Body = { items: Entry[]; next_cursor: string | null; near_misses: Entry[] };

describe('POST /api/eligibility', () => {
  it('returns exactly the scholarships the profile meets, with reasons, across pages', async () => {
    const got: Entry[] = [];
    let cursor: string | undefined;
    let misses: Entry[] = [];
    do {
      const r = await t.request('/api/eligibility', {
        json: { profile: PROFILE, limit: 7, ...(cursor ? { cursor } : {}) },
      });
      expect(r.status).toBe(200);
      const body = (await r.json()) as Body;
      if (!cursor) misses = body.near_misses;
      got.push(...body.items);
      cursor = body.next_cursor ?? undefined;
    } while (cursor);
    const expected = all
      .filter((s) => s.published && evaluate(PROFILE, s, TEST_DAY).every((x) => x.matched))
      .map((s) => s.id)
      .sort();
    expect(expected.length).toBeGreaterThan(3);
    expect(got.map((e) => e.scholarship.id).sort()).toEqual(expected);
    for (const e of got) {
      expect(e.reasons.map((x) => x.criterion)).toEqual(['level', 'field', 'gpa', 'state', 'citizenship', 'deadline']);
      expect(e.reasons.every((x) => x.matched)).toBe(true);
    }
    expect(misses.length).toBeGreaterThan(0);
    for (const m of misses) expect(m.reasons.filter((x) => !x.matched)).toHaveLength(1);
  });

  it('explains a failed GPA and a missing profile value', () => {
    const reasons = evaluate(
      { ...PROFILE, gpa: 2.5, state: null },
      { levels: [], fields: [], minGpa: '3.00', states: ['TX'], citizenship: [], deadline: '2026-03-01' },
      TEST_DAY,
    );
    expect(reasons.find((r) => r.criterion === 'gpa')).toMatchObject({
      matched: false,
      detail: expect.stringContaining('3.00'),
    });
    expect(reasons.find((r) => r.criterion === 'state')).toMatchObject({
      matched: false,
      detail: expect.stringContaining('TX'),
    });
    expect(reasons.find((r) => r.criterion === 'level')).toMatchObject({ matched: true });
  });

  it.each([
    [{ profile: { ...PROFILE, gpa: 5 } }, 'profile.gpa'],
    [{ profile: { ...PROFILE, level: 'phd' } }, 'profile.level'],
    [{ profile: { ...PROFILE, state: 'Narnia' } }, 'profile.state'],
    [{ profile: PROFILE, extra: 1 }, 'extra'],
    [{ profile: PROFILE, limit: 1000 }, 'limit'],
    [{}, 'profile'],
  ])('rejects %j naming %s', async (json, path) => {
    const r = await t.request('/api/eligibility', { json });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
  });
});

describe('GET /api/recommendations', () => {
  it('needs a logged-in student', async () => {
    expect((await t.request('/api/recommendations')).status).toBe(401);
    const provider = await addUser(t.deps.db, 'provider');
    expect((await t.request('/api/recommendations', { token: await tokenFor(t.deps, provider) })).status).toBe(403);
  });

  it('asks for a profile first', async () => {
    const student = await addUser(t.deps.db, 'student');
    const r = await t.request('/api/recommendations', { token: await tokenFor(t.deps, student) });
    expect(r.status).toBe(409);
    expect(await r.json()).toMatchObject({ code: 'CONFLICT', profile_required: true });
  });

  it('ranks eligible scholarships by score with reasons', async () => {
    const student = await addUser(t.deps.db, 'student');
    await t.deps.db.insert(studentProfiles).values({
      userId: student.id,
      level: 'undergraduate',
      fieldOfStudy: 'Nursing',
      gpa: '3.20',
      state: 'CA',
      citizenship: 'us_citizen',
      interests: ['public health'],
    });
    const r = await t.request('/api/recommendations?limit=20', { token: await tokenFor(t.deps, student) });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { items: (Entry & { score: number; highlights: string[] })[] };
    expect(body.items.length).toBeGreaterThan(3);
    for (let i = 1; i < body.items.length; i++)
      expect(body.items[i - 1].score).toBeGreaterThanOrEqual(body.items[i].score);
    for (const e of body.items) expect(e.reasons.every((x) => x.matched)).toBe(true);
    const byId = new Map(all.map((s) => [s.id, s]));
    // Fit dominates: the top pick targets the student's field when any eligible one does.
    expect(byId.get(body.items[0].scholarship.id)!.fields).toContain('nursing');
    expect(body.items[0].highlights.join(' ')).toContain('Nursing');
  });
});
