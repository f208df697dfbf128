import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import type { AppDeps } from '../deps.ts';
import { users } from '../db/schema/index.ts';
import { requireAuth } from '../auth/middleware.ts';
import { ProblemError } from '../http/problem.ts';
import { readJson } from '../http/validate.ts';
import { StudentProfileInput } from './student-profile.ts';
import { getProfile, putProfile } from './profile.ts';

/** `GET /api/me` for any logged-in user; `PUT /api/me/profile` for students (providers have no student profile). */
export function meRoutes(deps: AppDeps) {
  const app = new Hono();
  const auth = requireAuth(deps);

  app.get('/api/me', auth, async (c) => {
    const claims = c.get('user')!;
    const [user] = await deps.db
      .select({ id: users.id, email: users.email, name: users.name, role: users.role })
      .from(users)
      .where(eq(users.id, claims.sub));
    // A valid token for a deleted account: the token outlived the user.
    if (!user) throw new ProblemError('INVALID_TOKEN', 'The account no longer exists');
    c.header('cache-control', 'private, no-store');
    return c.json({ ...user, profile: await getProfile(deps.db, user.id) });
  });

  app.put('/api/me/profile', requireAuth(deps, 'student'), async (c) => {
    const claims = c.get('user')!;
    const input = await readJson(c, StudentProfileInput);
    const [user] = await deps.db.select({ id: users.id }).from(users).where(eq(users.id, claims.sub));
    if (!user) throw new ProblemError('INVALID_TOKEN', 'The account no longer exists');
    return c.json(await putProfile(deps.db, user.id, input, deps.now()));
  });

  return app;
}
