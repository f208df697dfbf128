import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GatewayEnv } from '../../env.ts';
import {
  SIGNATURE_HEADER,
  USER_HEADER,
  ROLE_HEADER,
  verifyGatewaySignature,
  bodyDigest,
  credentialBinding,
} from '../../../../shared/gateway-signature.ts';
import { requestId } from '../request-id/index.ts';
import { settings } from '../settings/index.ts';
import { canonical } from '../canonical/index.ts';
import { NO_CREDENTIAL } from '../../../../shared/credential.ts';
import { clientIp } from '../client-ip/index.ts';
import { proxy } from './index.ts';

const SECRET = 'test-gateway-secret-0123456789';
const ENV = {
  BACKEND_URL: 'http://backend.test:8788',
  GATEWAY_SHARED_SECRET: SECRET,
  GATEWAY_ENV: 'development',
  CLIENT_IP_SOURCE: 'proxy',
  CLIENT_IP_HEADER: 'x-forwarded-for',
  TRUSTED_PROXY_CIDRS: '10.0.0.0/8',
};

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** The global fetch replaced by a backend that records the request and answers `reply`. */
function backend(reply: () => Response = () => new Response('ok')): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    sent.push({
      url: req.url,
      method: req.method,
      headers: Object.fromEntries(req.headers),
      body: req.body ? await req.text() : '',
    });
    return reply();
  });
  return sent;
}
afterEach(() => vi.unstubAllGlobals());

function app() {
  const a = new Hono<GatewayEnv>();
  a.use(requestId());
  a.use(settings());
  a.use(canonical());
  a.use(clientIp());
  a.all('*', proxy());
  return a;
}
const send = (path: string, init: RequestInit = {}) =>
  app().fetch(new Request(`https://gateway.test${path}`, init), ENV);

describe('proxy stage', () => {
  it('concatenates the canonical target to the backend origin and signs exactly that', async () => {
    const sent = backend();
    const r = await send('/api/scholarships/%61bc/./x?q=%c3%bc', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(r.status).toBe(200);
    expect(sent[0].url).toBe('http://backend.test:8788/api/scholarships/abc/x?q=%C3%BC');
    expect(
      await verifyGatewaySignature(SECRET, sent[0].headers[SIGNATURE_HEADER], {
        method: 'GET',
        pathAndQuery: '/api/scholarships/abc/x?q=%C3%BC',
        requestId: sent[0].headers['x-request-id'],
        bodySha256: await bodyDigest(undefined),
        credential: await credentialBinding(NO_CREDENTIAL),
        userId: '',
        role: '',
      }),
    ).toBe(true);
  });

  it("drops the client's copies of gateway-owned, client-address and override headers", async () => {
    const sent = backend();
    const forged = {
      [SIGNATURE_HEADER]: 'forged',
      [USER_HEADER]: 'admin-1',
      [ROLE_HEADER]: 'admin',
      'x-request-id': 'forged-id',
      'x-forwarded-for': '198.51.100.7, 10.0.0.1',
      'x-forwarded-proto': 'gopher',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-port': '1',
      'x-real-ip': '198.51.100.7',
      forwarded: 'for=198.51.100.7;host=evil.example',
      'cf-connecting-ip': '198.51.100.7',
      'true-client-ip': '198.51.100.7',
      'x-client-ip': '198.51.100.7',
      'x-original-url': '/api/ops/payments',
      'x-rewrite-url': '/api/ops/payments',
      'x-http-method-override': 'DELETE',
    };
    await send('/api/scholarships', { headers: forged });
    const h = sent[0].headers;
    expect(h[USER_HEADER]).toBeUndefined();
    expect(h[ROLE_HEADER]).toBeUndefined();
    expect(h[SIGNATURE_HEADER]).not.toBe('forged');
    expect(h['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    // The client is the first address outside the trusted proxies, set by the gateway alone.
    expect(h['x-forwarded-for']).toBe('198.51.100.7');
    expect(h['x-forwarded-proto']).toBe('https');
    expect(h['x-forwarded-host']).toBe('gateway.test');
    for (const name of [
      'x-forwarded-port',
      'x-real-ip',
      'forwarded',
      'cf-connecting-ip',
      'true-client-ip',
      'x-client-ip',
      'x-original-url',
      'x-rewrite-url',
      'x-http-method-override',
    ])
      expect(h[name], name).toBeUndefined();
  });

  it('strips hop-by-hop headers, including those named in Connection, both ways', async () => {
    const sent = backend(
      () =>
        new Response('ok', {
          headers: {
            connection: 'x-upstream-secret',
            'x-upstream-secret': 's',
            'keep-alive': 'timeout=5',
            'x-kept': '1',
          },
        }),
    );
    const r = await send('/p', {
      headers: {
        connection: 'x-client-hop, keep-alive',
        'x-client-hop': '1',
        'keep-alive': 'timeout=5',
        te: 'trailers',
        'x-kept': '1',
      },
    });
    const h = sent[0].headers;
    for (const name of ['connection', 'x-client-hop', 'keep-alive', 'te']) expect(h[name], name).toBeUndefined();
    expect(h['x-kept']).toBe('1');
    expect(r.headers.get('x-upstream-secret')).toBeNull();
    expect(r.headers.get('keep-alive')).toBeNull();
    expect(r.headers.get('x-kept')).toBe('1');
  });

  it('forwards the body and passes redirects through untouched', async () => {
    const sent = backend(
      () => new Response(null, { status: 302, headers: { location: 'https://gatehouse.example/x' } }),
    );
    const r = await send('/api/eligibility', {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(sent[0].body).toBe('{"a":1}');
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('https://gatehouse.example/x');
  });

  it('answers 502 UPSTREAM_UNAVAILABLE when the backend cannot be reached', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('connection refused');
    });
    const r = await send('/p');
    expect(r.status).toBe(502);
    expect(await r.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });
});
