/**
 * The payment path as in production and `npm start`: browser → gateway (workerd) → backend, and
 * Stripe's signed webhooks → gateway → backend. The simulator delivers to the gateway URL with
 * plain fetch, exactly as Stripe would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.ts';
import { startPspSim, type PspSim } from '../support/psp-sim/index.ts';

const WHSEC = 'whsec_e2e_gateway';
let stack: Stack;
let sim: PspSim;

beforeAll(async () => {
  sim = await startPspSim({ webhookSecret: WHSEC });
  stack = await startStack({
    backendEnv: { STRIPE_SECRET_KEY: 'sk_test_e2e_gateway', STRIPE_WEBHOOK_SECRET: WHSEC, STRIPE_API_BASE: sim.url },
  });
  sim.setWebhookUrl(`${stack.gatewayUrl}/webhooks/stripe`);
});
afterAll(async () => {
  await sim?.close();
  await stack?.stop();
});

async function json(path: string, init: RequestInit & { token?: string; body?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.body) headers.set('content-type', 'application/json');
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  const res = await fetch(`${stack.gatewayUrl}${path}`, { ...init, headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('payments through the gateway', () => {
  it('buys credits: purchase via the gateway, webhook via the gateway, credits granted', async () => {
    const email = `gw-buyer-${Date.now()}@example.test`;
    const password = 'a-long-gateway-password-42';
    expect(
      (
        await json('/api/auth/signup', {
          method: 'POST',
          body: JSON.stringify({ email, password, name: 'Gateway Buyer' }),
        })
      ).status,
    ).toBe(202);
    const login = await json('/api/auth/login', { method: 'POST', body: JSON.stringify({ email, password }) });
    const token = login.body.access_token as string;
    expect(token).toBeTruthy();

    expect((await json('/api/credits/packages')).status).toBe(200);
    const buy = await json('/api/credits/purchases', {
      method: 'POST',
      token,
      headers: { 'idempotency-key': 'gw-1' },
      body: JSON.stringify({ package_id: 'starter-100', payment_method: 'pm_card_visa' }),
    });
    expect(buy.status).toBe(201);
    await sim.webhooksIdle();
    expect(sim.state.stats.webhooksDelivered).toBeGreaterThan(0);
    const balance = await json('/api/credits/balance', { token });
    expect(balance.body).toEqual({ credits: 100 });
    const replay = await json('/api/credits/purchases', {
      method: 'POST',
      token,
      headers: { 'idempotency-key': 'gw-1' },
      body: JSON.stringify({ package_id: 'starter-100', payment_method: 'pm_card_visa' }),
    });
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect(replay.body.id).toBe(buy.body.id);
  });

  it('a forged webhook is refused by the backend behind the gateway', async () => {
    const res = await fetch(`${stack.gatewayUrl}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=deadbeef' },
      body: '{"id":"evt_forged","object":"event"}',
    });
    expect(res.status).toBe(400);
  });
});
