import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../../env.ts';
import { requestId } from './index.ts';

type Seen = { requestId: string; clientClass: string; grants: string[]; identity: unknown; body: unknown };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The stage in front of a handler that reports what the next stages see. */
function app() {
  const a = new Hono<GatewayEnv>();
  a.use(requestId());
  a.get('/seen', (c) => {
    c.get('responseHeaders').set('x-later-stage', 'set');
    return c.json({
      requestId: c.get('requestId'),
      clientClass: c.get('clientClass'),
      grants: [...c.get('grants')],
      identity: c.get('identity') ?? null,
      body: c.get('body') ?? null,
    });
  });
  a.get('/throws', () => {
    throw new Error('boom');
  });
  return a;
}

describe('request-id stage', () => {
  it('gives each request a fresh UUID, visible to later stages and echoed on the response', async () => {
    const a = app();
    const [r1, r2] = await Promise.all([a.request('/seen'), a.request('/seen')]);
    const [b1, b2] = [(await r1.json()) as Seen, (await r2.json()) as Seen];
    expect(b1.requestId).toMatch(UUID);
    expect(r1.headers.get('x-request-id')).toBe(b1.requestId);
    expect(b2.requestId).not.toBe(b1.requestId);
  });

  it('ignores a client-supplied X-Request-Id (it would forge log correlation)', async () => {
    const res = await app().request('/seen', { headers: { 'x-request-id': 'attacker-chosen' } });
    expect(res.headers.get('x-request-id')).toMatch(UUID);
    expect(((await res.json()) as Seen).requestId).not.toBe('attacker-chosen');
  });

  it('sets the per-request defaults later stages rely on', async () => {
    const body = await (await app().request('/seen')).json();
    expect(body).toMatchObject({ clientClass: 'anonymous', grants: [], identity: null, body: null });
  });

  it('copies headers later stages queued onto the response', async () => {
    const res = await app().request('/seen');
    expect(res.headers.get('x-later-stage')).toBe('set');
  });

  it('still tags the error response when a later stage throws', async () => {
    const res = await app().request('/throws');
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toMatch(UUID);
  });
});
