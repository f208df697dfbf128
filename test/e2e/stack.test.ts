import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('gateway on workerd in front of the backend', () => {
  it('forwards with a valid signature and the gateway request id', async () => {
    const r = await fetch(`${stack.gatewayUrl}/readyz`);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('strict-transport-security')).toBeTruthy();
  });

  it('the backend refuses the same request sent around the gateway', async () => {
    const r = await fetch(`${stack.backendUrl}/api/scholarships`);
    expect(r.status).toBe(403);
    expect(((await r.json()) as { code: string }).code).toBe('GATEWAY_SIGNATURE_INVALID');
  });

  it('drops a forged gateway signature or identity header sent by a client', async () => {
    const r = await fetch(`${stack.gatewayUrl}/nope`, {
      headers: { 'x-gateway-signature': 'forged', 'x-gateway-user': 'admin' },
    });
    expect(r.status).toBe(404);
  });
});
