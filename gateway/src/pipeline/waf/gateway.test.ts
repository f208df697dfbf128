import { describe, expect, it } from 'vitest';
import { SELF } from 'cloudflare:test';

/** The WAF inside the whole gateway (bundled rule files, registered detectors, no backend: 502 = passed the WAF). */
describe('golden paths through the whole gateway', () => {
  const json = (path: string, body: unknown, method = 'POST') =>
    SELF.fetch(`http://gateway.test${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('a login with a hard password reaches the backend (502 here: no backend), not the WAF', async () => {
    const r = await json('/api/auth/login', { email: "o'brien@example.edu", password: `p'; DROP--"<x>` });
    expect(r.status).toBe(502);
    expect(await r.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });
  it('the same payload class in the signup name is blocked with the rule as code', async () => {
    const r = await json('/api/auth/signup', {
      email: 'a@example.edu',
      password: 'correct horse battery',
      name: "x' UNION SELECT password FROM users--",
    });
    expect(r.status).toBe(403);
    const p = (await r.json()) as { code: string; request_id: string };
    expect(p.code).toMatch(/^WAF_SQLI_\d{3}$/);
    expect(p.request_id).toBe(r.headers.get('x-request-id'));
    expect(JSON.stringify(p)).not.toContain('UNION');
  });
  it('a search with quotes, OR and -- reaches the backend', async () => {
    const r = await SELF.fetch('http://gateway.test/api/search?q=%22first-generation%22+OR+%22low+income%22+--+grad');
    expect(r.status).toBe(502);
  });
});
