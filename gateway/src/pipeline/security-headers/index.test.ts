import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../../env.ts';
import { securityHeaders } from './index.ts';

const FIXED = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

/** Upstream CSP (as the backend or a later stage sent it) → what the client receives. */
const CSP_CASES: { name: string; upstream?: string; expect: string }[] = [
  { name: 'none', expect: "frame-ancestors 'none'" },
  {
    name: 'without frame-ancestors',
    upstream: "default-src 'self'",
    expect: "default-src 'self'; frame-ancestors 'none'",
  },
  {
    name: 'with its own frame-ancestors (kept as sent)',
    upstream: "default-src 'self'; frame-ancestors 'self'",
    expect: "default-src 'self'; frame-ancestors 'self'",
  },
  { name: 'frame-ancestors in upper case', upstream: "FRAME-ANCESTORS 'none'", expect: "FRAME-ANCESTORS 'none'" },
];

function app(csp?: string) {
  const a = new Hono<GatewayEnv>();
  a.use(securityHeaders());
  a.get('/ok', (c) => c.text('ok', 200, csp ? { 'content-security-policy': csp } : {}));
  a.get('/error', (c) => c.json({ code: 'NOT_FOUND' }, 404));
  a.get('/override', (c) => c.text('ok', 200, { 'x-frame-options': 'SAMEORIGIN' }));
  return a;
}

describe('security-headers stage', () => {
  it.each(['/ok', '/error', '/missing'])('sets the fixed headers on %s (also on errors and 404s)', async (path) => {
    const res = await app().request(path);
    for (const [k, v] of Object.entries(FIXED)) expect(res.headers.get(k), k).toBe(v);
  });

  it.each(CSP_CASES)('content-security-policy: $name', async ({ upstream, expect: want }) => {
    const res = await app(upstream).request('/ok');
    expect(res.headers.get('content-security-policy')).toBe(want);
  });

  it('overrides a weaker X-Frame-Options from upstream', async () => {
    const res = await app().request('/override');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
