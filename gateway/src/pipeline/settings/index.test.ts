import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BindingsError } from '../../config/bindings.ts';
import type { GatewayEnv } from '../../env.ts';
import { requestId } from '../request-id/index.ts';
import { settings, settingsOf } from './index.ts';

const DEV = {
  GATEWAY_ENV: 'development',
  BACKEND_URL: 'http://127.0.0.1:8788/',
  GATEWAY_SHARED_SECRET: 'test-gateway-secret-0123456789',
  CLIENT_IP_SOURCE: 'header',
};

/** The stage behind the request id, in front of a handler that reports what later stages read. */
function app(seen: { calls: number }) {
  const a = new Hono<GatewayEnv>();
  a.use(requestId());
  a.use(settings());
  a.get('/seen', (c) => {
    seen.calls++;
    const s = settingsOf(c);
    return c.json({ same: s === c.get('settings'), origin: s.backendOrigin, source: s.clientIp.source });
  });
  return a;
}

afterEach(() => vi.restoreAllMocks());

describe('settings stage', () => {
  it('hands later stages the validated bindings (the backend origin without its trailing slash)', async () => {
    const seen = { calls: 0 };
    const r = await app(seen).fetch(new Request('https://gateway.test/seen'), { ...DEV });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ same: true, origin: 'http://127.0.0.1:8788', source: 'header' });
    expect(seen.calls).toBe(1);
  });

  it('refuses every request with 500 GATEWAY_MISCONFIGURED before any later stage runs, and logs once', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen = { calls: 0 };
    const a = app(seen);
    // A fresh key no other test used: the stage reports each bad set of bindings once per isolate.
    const env = { ...DEV, GATEWAY_SHARED_SECRET: 'short', BACKEND_URL: 'ftp://settings-stage.test' };
    for (let i = 0; i < 3; i++) {
      const r = await a.fetch(new Request('https://gateway.test/seen'), env);
      expect(r.status).toBe(500);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      const body = (await r.json()) as { code: string; request_id: string };
      expect(body.code).toBe('GATEWAY_MISCONFIGURED');
      expect(body.request_id).toBe(r.headers.get('x-request-id'));
      expect(JSON.stringify(body)).not.toMatch(/BACKEND_URL|GATEWAY_SHARED_SECRET|ftp:/);
    }
    expect(seen.calls).toBe(0);
    const lines = log.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('gateway misconfigured'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('BACKEND_URL');
    expect(lines[0]).toContain('GATEWAY_SHARED_SECRET');
  });

  it('settingsOf parses the bindings itself for an app that mounts one stage, and throws on bad ones', async () => {
    const a = new Hono<GatewayEnv>();
    a.get('/', (c) => c.text(settingsOf(c).backendOrigin));
    a.onError((e, c) => c.text(e instanceof BindingsError ? `BindingsError: ${e.problems[0].variable}` : 'other', 500));
    expect(await (await a.fetch(new Request('https://gateway.test/'), { ...DEV })).text()).toBe(
      'http://127.0.0.1:8788',
    );
    const bad = await a.fetch(new Request('https://gateway.test/'), { ...DEV, BACKEND_URL: 'not a url' });
    expect(bad.status).toBe(500);
    expect(await bad.text()).toBe('BindingsError: BACKEND_URL');
  });
});
