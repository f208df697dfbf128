import { describe, expect, it } from 'vitest';
import { SELF } from 'cloudflare:test';

describe('gateway skeleton', () => {
  it('answers 502 problem+json with security headers and a request id when the backend is down', async () => {
    const r = await SELF.fetch('http://gateway.test/api/scholarships');
    expect(r.status).toBe(502);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const id = r.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await r.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', request_id: id });
  });
});
