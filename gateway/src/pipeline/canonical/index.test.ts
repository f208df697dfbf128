import fc from 'fast-check';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGateway } from '../../app.ts';
import { bundledRules } from '../../config/bundled.ts';
import { compiledWaf } from '../../config/waf.ts';
import { compileProtection } from '../../access/jwt-routes.ts';
import { compileLimits } from '../../ratelimit/policies.ts';
import { BACKEND, ENV } from '../../../../test/support/gateway/access.ts';

const rules = bundledRules();

/** What the stand-in backend saw: the URL it was called with and the path its Hono router routes on. */
interface Seen {
  url: string;
  routePath: string;
}

/** A stand-in backend behind the global fetch that records every outbound URL, backend or not. */
function recordingBackend() {
  const seen: Seen[] = [];
  const outbound: string[] = [];
  const backend = new Hono();
  backend.all('*', (c) => {
    seen.push({ url: c.req.url, routePath: c.req.path });
    return c.json({ ok: true });
  });
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    outbound.push(req.url);
    if (new URL(req.url).origin !== BACKEND) return new Response('foreign origin reached', { status: 299 });
    return backend.fetch(req);
  });
  return { seen, outbound };
}

/**
 * A request whose URL is exactly `raw`, as workerd hands a raw HTTP target to the Worker (the
 * Request constructor would resolve `\` and dot segments first, hiding the attack).
 */
function rawRequest(raw: string, init: RequestInit = {}): Request {
  const req = new Request('https://gateway.test/', init);
  req.headers.set('host', 'gateway.test');
  Object.defineProperty(req, 'url', { value: raw });
  return req;
}

const gateway = createGateway(rules);
const send = (raw: string, init: RequestInit = {}) => gateway.fetch(rawRequest(raw, init), ENV);

afterEach(() => vi.unstubAllGlobals());

describe('canonical stage: one request form for every stage (issue 14, findings 1 and 2)', () => {
  it.each([
    '//evil.test/x',
    '/\\evil.test/x',
    '///evil.test/x',
    '//user:pass@evil.test/x',
    '//3325256711/x',
    '/api%2f..%2f..%2fevil',
  ])('finding 1: %s never leaves for another host (400 PATH_NOT_CANONICAL)', async (target) => {
    const up = recordingBackend();
    const r = await send(`https://gateway.test${target}`, {
      headers: { cookie: 'gh_access=secret', authorization: 'Bearer secret', 'cf-connecting-ip': '203.0.113.40' },
    });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    const body = (await r.json()) as { code: string; request_id: string };
    expect(body.code).toBe('PATH_NOT_CANONICAL');
    expect(body.request_id).toBe(r.headers.get('x-request-id'));
    expect(JSON.stringify(body)).not.toContain('evil');
    expect(up.outbound).toEqual([]);
  });

  it('finding 1: the proxy concatenates the canonical target to the backend origin', async () => {
    const up = recordingBackend();
    const r = await send('https://gateway.test/scholarships/a/../%61bc?q=%c3%bc x', {
      headers: { 'cf-connecting-ip': '203.0.113.41' },
    });
    expect(r.status).toBe(200);
    expect(up.outbound).toEqual([`${BACKEND}/scholarships/abc?q=%C3%BC%20x`]);
  });

  it('finding 2: POST /api\\auth\\login cannot skip the login limits: refused before any stage decides', async () => {
    const up = recordingBackend();
    for (let i = 0; i < 25; i++) {
      const r = await send('https://gateway.test/api\\auth\\login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.42' },
        body: JSON.stringify({ email: 'victim@example.test', password: `guess-${i}` }),
      });
      expect(r.status).toBe(400);
    }
    expect(up.seen).toEqual([]);
  });

  it('finding 2: an escaped spelling of the login path counts against the login policy', async () => {
    recordingBackend();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const r = await send('https://gateway.test/api/auth/%6Cogin', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.43' },
        body: JSON.stringify({ email: `user${i}@example.test`, password: 'wrong' }),
      });
      statuses.push(r.status);
    }
    // auth-login-ip allows 20 a minute per address.
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });
});

// Fragments an attacker combines: separators, dots, escapes of both, credentials, hosts, Unicode.
const FRAGMENTS = [
  '/',
  '//',
  '\\',
  '.',
  '..',
  '%2e',
  '%2E',
  '%2f',
  '%2F',
  '%5c',
  '%00',
  '%25',
  '%',
  '%6c',
  '%61',
  'api',
  'auth',
  'login',
  'me',
  'provider',
  'scholarships',
  'webhooks',
  'evil.test',
  '@',
  ':',
  ';',
  'user:pass@',
  ' ',
  '%20',
  'ü',
  '%c3%bc',
  '?',
  '#',
  '&',
  '=',
  '~',
  '+',
  '3325256711',
];

describe('property: the path every stage decides on is the path the backend routes on', () => {
  const limits = compileLimits(rules['limits.yaml']);
  const needsToken = compileProtection(rules['access.yaml'].jwt);
  const waf = compiledWaf(rules['waf.yaml']);
  const policyIds = (method: string, path: string) =>
    limits
      .select(method, path, 'qa')
      .map((p) => p.id)
      .join(',');

  it('for generated hostile targets: refused, or forwarded verbatim and judged alike on both sides', async () => {
    const up = recordingBackend();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('GET', 'POST'),
        async (parts, method) => {
          up.seen.length = 0;
          up.outbound.length = 0;
          const target = `/${parts.join('')}`;
          // A QA address: no rate limit gets in the way of the property.
          const r = await send(`https://gateway.test${target}`, {
            method,
            headers: { 'cf-connecting-ip': '198.51.100.77', 'content-type': 'application/json' },
            body: method === 'POST' ? '{}' : undefined,
          });
          if (r.status === 400) {
            expect(((await r.json()) as { code: string }).code).toBe('PATH_NOT_CANONICAL');
            expect(up.outbound).toEqual([]);
            return;
          }
          // Anything else reached the backend (or a stage's own answer: 401/403) on the backend's origin only.
          for (const u of up.outbound) expect(new URL(u).origin).toBe(BACKEND);
          if (!up.seen.length) return;
          expect(up.seen).toHaveLength(1);
          const forwarded = new URL(up.seen[0].url);
          const decided = forwarded.pathname; // what the stages decided on, forwarded byte for byte
          expect(up.seen[0].url).toBe(`${BACKEND}${decided}${forwarded.search}`);
          const routed = up.seen[0].routePath;
          expect(policyIds(method, routed)).toBe(policyIds(method, decided));
          expect(needsToken(method, routed)).toBe(needsToken(method, decided));
          expect(waf.route(routed).name).toBe(waf.route(decided).name);
        },
      ),
      { numRuns: 300 },
    );
  });
});
