import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { refreshTokens } from '../db/schema/index.ts';
import { REFRESH_COOKIE } from './middleware.ts';
import { hashToken } from './opaque-token.ts';
import { login, signup, type Tokens } from '../../../test/support/auth.ts';

let clock = Date.now();
let t: TestBackend;
beforeAll(async () => {
  t = await createTestBackend({ now: () => new Date(clock) });
});
afterAll(async () => {
  await t?.close();
});

const refresh = (refresh_token: string) => t.request('/api/auth/refresh', { json: { refresh_token } });
const codeOf = async (r: Response) => ((await r.json()) as { code: string }).code;

async function session(): Promise<Tokens> {
  const u = await signup(t);
  return login(t, u.email, u.password);
}

describe('refresh', () => {
  it('rotates: new pair, stored only as a hash, same family, old one marked rotated', async () => {
    const first = await session();
    const r = await refresh(first.refresh_token);
    expect(r.status).toBe(200);
    const next = (await r.json()) as Tokens;
    expect(next.token_type).toBe('Bearer');
    expect(next.refresh_token).not.toBe(first.refresh_token);
    expect(next.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await t.deps.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashToken(first.refresh_token)));
    expect(rows[0].rotatedAt).not.toBeNull();
    const [newRow] = await t.deps.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashToken(next.refresh_token)));
    expect(newRow.familyId).toBe(rows[0].familyId);
    const all = await t.deps.db.select({ h: refreshTokens.tokenHash }).from(refreshTokens);
    expect(all.some((x) => x.h === next.refresh_token)).toBe(false);
    expect((await t.request('/api/me', { token: next.access_token })).status).toBe(200);
  });

  it('reuse of a rotated token revokes the whole family', async () => {
    const first = await session();
    const second = (await (await refresh(first.refresh_token)).json()) as Tokens;
    const third = (await (await refresh(second.refresh_token)).json()) as Tokens;
    const reuse = await refresh(first.refresh_token);
    expect(reuse.status).toBe(401);
    expect(await codeOf(reuse)).toBe('INVALID_TOKEN');
    // The legitimate newest token is dead too: the family is gone.
    const after = await refresh(third.refresh_token);
    expect(after.status).toBe(401);
    const other = await session();
    expect((await refresh(other.refresh_token)).status).toBe(200); // other families are untouched
  });

  it('concurrent refreshes with the same token: exactly one succeeds', async () => {
    // Several rounds of many parallel presentations, so the requests really interleave in Postgres.
    for (let round = 0; round < 5; round++) {
      const first = await session();
      const results = await Promise.all(Array.from({ length: 8 }, () => refresh(first.refresh_token)));
      const ok = results.filter((r) => r.status === 200);
      expect(ok.length).toBe(1);
      expect(results.filter((r) => r.status === 401).length).toBe(7);
      const winner = (await ok[0].json()) as Tokens;
      // The losers presented a rotated token, which is reuse: the winner's token is revoked as well.
      expect((await refresh(winner.refresh_token)).status).toBe(401);
    }
  });

  it('expires after 30 days', async () => {
    const first = await session();
    const saved = clock;
    try {
      clock += 30 * 24 * 3600_000 + 1000;
      const r = await refresh(first.refresh_token);
      expect(r.status).toBe(401);
    } finally {
      clock = saved;
    }
  });

  it('reads the cookie when there is no body, and sets new cookies', async () => {
    const first = await session();
    const r = await t.request('/api/auth/refresh', {
      method: 'POST',
      headers: { cookie: `${REFRESH_COOKIE}=${first.refresh_token}` },
    });
    expect(r.status).toBe(200);
    const cookies = r.headers.getSetCookie();
    const next = (await r.json()) as Tokens;
    expect(cookies.some((c) => c.startsWith(`${REFRESH_COOKIE}=${next.refresh_token}`))).toBe(true);
  });

  it('an empty JSON-typed body falls back to the cookie', async () => {
    const first = await session();
    const r = await t.request('/api/auth/refresh', {
      method: 'POST',
      headers: {
        cookie: `${REFRESH_COOKIE}=${first.refresh_token}`,
        'content-type': 'application/json',
        'content-length': '0',
      },
    });
    expect(r.status).toBe(200);
  });

  it('a refused refresh clears the cookies', async () => {
    const r = await t.request('/api/auth/refresh', {
      method: 'POST',
      headers: { cookie: `${REFRESH_COOKIE}=${'A'.repeat(43)}` },
    });
    expect(r.status).toBe(401);
    expect(r.headers.getSetCookie().some((c) => c.startsWith(`${REFRESH_COOKIE}=;`) && /Max-Age=0/.test(c))).toBe(true);
  });

  it.each([
    { name: 'missing token', body: {}, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'malformed token', body: { refresh_token: 'short' }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'wrong type', body: { refresh_token: 42 }, status: 400, code: 'VALIDATION_FAILED' },
    {
      name: 'unknown field',
      body: { refresh_token: 'A'.repeat(43), scope: 'admin' },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    { name: 'unknown token', body: { refresh_token: 'A'.repeat(43) }, status: 401, code: 'INVALID_TOKEN' },
  ])('$name → $status $code', async ({ body, status, code }) => {
    const r = await t.request('/api/auth/refresh', { json: body });
    expect(r.status).toBe(status);
    expect(await codeOf(r)).toBe(code);
  });

  it('an access token is not a refresh token', async () => {
    const s = await session();
    const r = await refresh(s.access_token);
    expect(r.status).toBe(400);
  });
});

describe('logout', () => {
  it('revokes the family and clears the cookies (204)', async () => {
    const s = await session();
    const r = await t.request('/api/auth/logout', { json: { refresh_token: s.refresh_token } });
    expect(r.status).toBe(204);
    const cleared = r.headers.getSetCookie();
    expect(cleared.length).toBe(2);
    expect(cleared.every((c) => /Max-Age=0/.test(c))).toBe(true);
    expect((await refresh(s.refresh_token)).status).toBe(401);
  });

  it('works with the cookie alone and is idempotent', async () => {
    const s = await session();
    const headers = { cookie: `${REFRESH_COOKIE}=${s.refresh_token}` };
    expect((await t.request('/api/auth/logout', { method: 'POST', headers })).status).toBe(204);
    expect((await t.request('/api/auth/logout', { method: 'POST', headers })).status).toBe(204);
    expect((await refresh(s.refresh_token)).status).toBe(401);
  });

  it('a rotated-away token still ends the family', async () => {
    const s = await session();
    const next = (await (await refresh(s.refresh_token)).json()) as Tokens;
    expect((await t.request('/api/auth/logout', { json: { refresh_token: s.refresh_token } })).status).toBe(204);
    expect((await refresh(next.refresh_token)).status).toBe(401);
  });
});
