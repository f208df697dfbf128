import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { signAccessToken } from '../auth/tokens.ts';
import { users } from '../db/schema/users.ts';

let t: TestBackend;
beforeAll(async () => {
  t = await createTestBackend();
}); // no STRIPE_* settings
afterAll(async () => {
  await t?.close();
});

describe('payments without STRIPE_SECRET_KEY', () => {
  it('packages still list; purchases and webhooks answer 503 PAYMENTS_UNAVAILABLE', async () => {
    expect((await t.request('/api/credits/packages')).status).toBe(200);
    const [u] = await t.deps.db
      .insert(users)
      .values({ email: 'nostripe@example.test', passwordHash: 'x', name: 'N' })
      .returning({ id: users.id });
    const token = await signAccessToken(
      { keys: t.deps.keys, issuer: t.deps.env.JWT_ISSUER, audience: t.deps.env.JWT_AUDIENCE },
      { sub: u.id, role: 'student' },
    );
    const res = await t.request('/api/credits/purchases', {
      json: { package_id: 'starter-100' },
      token,
      headers: { 'idempotency-key': 'k' },
    });
    expect(res.status).toBe(503);
    expect((await res.json()).code).toBe('PAYMENTS_UNAVAILABLE');
    const hook = await t.request('/webhooks/stripe', {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
    });
    expect(hook.status).toBe(503);
    expect(await (await t.request('/api/credits/balance', { token })).json()).toEqual({ credits: 0 });
  });
});
