import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';

let t: TestBackend;
beforeAll(async () => {
  t = await createTestBackend();
});
afterAll(async () => {
  await t?.close();
});

describe('health', () => {
  it('healthz answers without a gateway signature', async () => {
    const r = await t.app.request('/healthz');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
  });

  it('readyz reports the applied migrations', async () => {
    const r = await t.request('/readyz');
    expect(r.status).toBe(200);
    const body = (await r.json()) as { migrations: number };
    expect(body.migrations).toBeGreaterThanOrEqual(2);
  });
});

describe('gateway signature', () => {
  it('refuses an unsigned request with problem+json', async () => {
    const r = await t.app.request('/api/scholarships');
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(await r.json()).toMatchObject({ code: 'GATEWAY_SIGNATURE_INVALID' });
  });

  it('refuses a signature for another path', async () => {
    const signed = await t.request('/readyz');
    expect(signed.status).toBe(200);
    const r = await t.app.request('/api/anything', { headers: { 'x-gateway-signature': 't=1,v1=' + '0'.repeat(64) } });
    expect(r.status).toBe(403);
  });

  it('answers unknown paths with NOT_FOUND and the request id', async () => {
    const r = await t.request('/nope');
    expect(r.status).toBe(404);
    const body = (await r.json()) as { code: string; request_id: string };
    expect(body.code).toBe('NOT_FOUND');
    expect(body.request_id).toBe(r.headers.get('x-request-id'));
  });
});
