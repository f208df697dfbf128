import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { createProvider, login, signup } from '../../../test/support/auth.ts';

let t: TestBackend;
let token: string;
beforeAll(async () => {
  t = await createTestBackend();
  const u = await signup(t);
  token = (await login(t, u.email, u.password)).access_token;
});
afterAll(async () => {
  await t?.close();
});

const put = (json: unknown, tok = token) => t.request('/api/me/profile', { method: 'PUT', json, token: tok });
const full = {
  level: 'undergraduate',
  field_of_study: 'Computer Science',
  gpa: 3.75,
  state: 'ca',
  citizenship: 'us_citizen',
  interests: ['robotics', 'Robotics', 'music'],
};

describe('PUT /api/me/profile', () => {
  it('upserts and returns the profile (snake_case, normalized)', async () => {
    const r = await put(full);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      level: 'undergraduate',
      field_of_study: 'Computer Science',
      gpa: 3.75,
      state: 'CA',
      citizenship: 'us_citizen',
      interests: ['robotics', 'music'],
    });
    const r2 = await put({ ...full, gpa: 4, level: 'graduate', interests: [] });
    expect(await r2.json()).toMatchObject({ gpa: 4, level: 'graduate', interests: [] });
    const me = (await (await t.request('/api/me', { token })).json()) as { profile: Record<string, unknown> };
    expect(me.profile).toMatchObject({ gpa: 4, level: 'graduate', state: 'CA' });
  });

  it('absent fields become empty (PUT replaces)', async () => {
    await put(full);
    const r = await put({ level: 'doctoral' });
    expect(await r.json()).toMatchObject({
      level: 'doctoral',
      field_of_study: null,
      gpa: null,
      state: null,
      interests: [],
    });
  });

  it.each([
    { name: 'gpa above 4', body: { gpa: 4.01 }, field: 'gpa' },
    { name: 'negative gpa', body: { gpa: -1 }, field: 'gpa' },
    { name: 'gpa as string', body: { gpa: '3.5' }, field: 'gpa' },
    { name: 'unknown level', body: { level: 'postdoc' }, field: 'level' },
    { name: 'not a state', body: { state: 'ZZ' }, field: 'state' },
    { name: 'three-letter state', body: { state: 'CAL' }, field: 'state' },
    { name: 'bad citizenship', body: { citizenship: 'martian' }, field: 'citizenship' },
    { name: '21 interests', body: { interests: Array.from({ length: 21 }, (_, i) => `i${i}`) }, field: 'interests' },
    { name: 'interest over 40 chars', body: { interests: ['x'.repeat(41)] }, field: 'interests.0' },
    { name: 'interests not an array', body: { interests: 'music' }, field: 'interests' },
    { name: 'oversized field of study', body: { field_of_study: 'f'.repeat(5000) }, field: 'field_of_study' },
    { name: 'unknown field', body: { level: 'graduate', user_id: 'someone-else' }, field: 'user_id' },
    { name: 'camelCase field', body: { fieldOfStudy: 'Math' }, field: 'fieldOfStudy' },
  ])('400 naming the field, nothing written: $name', async ({ body, field }) => {
    await put(full);
    const r = await put(body);
    expect(r.status).toBe(400);
    const p = (await r.json()) as { code: string; errors: { path: string }[] };
    expect(p.code).toBe('VALIDATION_FAILED');
    expect(p.errors.map((e) => e.path)).toContain(field);
    const me = (await (await t.request('/api/me', { token })).json()) as { profile: Record<string, unknown> };
    expect(me.profile).toMatchObject({ level: 'undergraduate', gpa: 3.75 });
  });

  it('needs a student login', async () => {
    expect((await t.request('/api/me/profile', { method: 'PUT', json: full })).status).toBe(401);
    const p = await createProvider(t);
    const pt = (await login(t, p.email, p.password, '/api/provider/login')).access_token;
    const r = await put(full, pt);
    expect(r.status).toBe(403);
  });

  it('malformed JSON and a 1 MB body', async () => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const r1 = await t.request('/api/me/profile', { method: 'PUT', headers, body: '{"gpa": 3.5,' });
    expect(r1.status).toBe(400);
    const r2 = await t.request('/api/me/profile', {
      method: 'PUT',
      headers,
      body: JSON.stringify({ interests: ['x'.repeat(1024 * 1024)] }),
    });
    expect(r2.status).toBe(413);
  });
});
