import { users } from '../../../backend/src/db/schema/users.ts';
import { signAccessToken, type Role } from '../../../backend/src/auth/tokens.ts';
import { createTestBackend, type TestBackend } from '../backend.ts';
import { startPspSim, type PspSim } from './index.ts';

export const TEST_WEBHOOK_SECRET = 'whsec_gatehouse_test_secret';
const TEST_STRIPE_KEY = 'sk_test_gatehouse_backend';

export interface PaymentsHarness {
  t: TestBackend;
  sim: PspSim;
  /** Inserts a user and returns its id and a valid access token. */
  user(role?: Role): Promise<{ id: string; token: string }>;
  purchase(token: string, key: string | undefined, body: Record<string, unknown>): Promise<Response>;
  refund(token: string, purchaseId: string, key: string | undefined, body?: Record<string, unknown>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The backend app on its own database with the real Stripe SDK pointed at an in-process PSP
 * simulator, whose webhooks are delivered through `t.request()` (so they carry the gateway
 * signature, as they would after passing the gateway).
 */
export async function createPaymentsHarness(opts: { env?: Record<string, string> } = {}): Promise<PaymentsHarness> {
  let t: TestBackend | undefined;
  const sim = await startPspSim({
    webhookSecret: TEST_WEBHOOK_SECRET,
    webhookUrl: 'http://backend.test/webhooks/stripe',
    deliver: async (_url, body, headers) => {
      const res = await t!.request('/webhooks/stripe', { method: 'POST', body, headers });
      await res.arrayBuffer();
      return { status: res.status };
    },
  });
  t = await createTestBackend({
    env: {
      STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      STRIPE_API_BASE: sim.url,
      ...opts.env,
    },
  });
  const backend = t;
  let n = 0;
  return {
    t: backend,
    sim,
    async user(role: Role = 'student') {
      const [u] = await backend.deps.db
        .insert(users)
        .values({
          email: `buyer-${Date.now()}-${n++}-${Math.random().toString(36).slice(2, 8)}@example.test`,
          passwordHash: 'x',
          name: 'Buyer',
          role,
        })
        .returning({ id: users.id });
      const token = await signAccessToken(
        { keys: backend.deps.keys, issuer: backend.deps.env.JWT_ISSUER, audience: backend.deps.env.JWT_AUDIENCE },
        { sub: u.id, role },
      );
      return { id: u.id, token };
    },
    purchase(token, key, body) {
      return backend.request('/api/credits/purchases', {
        json: body,
        token,
        headers: key === undefined ? {} : { 'idempotency-key': key },
      });
    },
    refund(token, purchaseId, key, body = {}) {
      return backend.request(`/api/credits/purchases/${purchaseId}/refunds`, {
        json: body,
        token,
        headers: key === undefined ? {} : { 'idempotency-key': key },
      });
    },
    async close() {
      await sim.webhooksIdle();
      await sim.close();
      await backend.close();
    },
  };
}
