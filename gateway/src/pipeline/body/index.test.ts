import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../../env.ts';
import { requestId } from '../request-id/index.ts';
import { body } from './index.ts';
import { rulesWith } from '../../../../test/support/gateway/waf.ts';

const CAP = 1024;
const rules = rulesWith({ body: { max_inspected_bytes: CAP, over_limit: 'block', max_forwarded_bytes: 4096 } });

/** The body stage in front of a handler that reports the bytes it was given. */
function app() {
  const a = new Hono<GatewayEnv>();
  a.use(requestId());
  a.use(body(rules));
  a.all('*', (c) => {
    const b = c.get('body');
    return c.json({ bytes: b?.byteLength ?? null, text: b ? new TextDecoder().decode(b) : null });
  });
  return a;
}

/** A chunked body (no Content-Length): `chunks` pieces of `size` bytes. */
function stream(chunks: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(ctl) {
      if (sent++ === chunks) return ctl.close();
      ctl.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
}

const post = (init: RequestInit) => app().request('/api/x', { method: 'POST', ...init });

describe('body stage', () => {
  it('stores a body with a Content-Length exactly as sent', async () => {
    const text = '{"name":"Ada","about":"é ✓"}';
    const length = String(new TextEncoder().encode(text).byteLength);
    const r = await post({ body: text, headers: { 'content-type': 'application/json', 'content-length': length } });
    expect(await r.json()).toEqual({ bytes: new TextEncoder().encode(text).byteLength, text });
  });

  it('reads a chunked body whole, in order', async () => {
    const r = await post({ body: stream(4, 200), duplex: 'half' } as RequestInit);
    expect(await r.json()).toEqual({ bytes: 800, text: 'a'.repeat(800) });
  });

  it('refuses a declared length over the cap with 413 BODY_TOO_LARGE', async () => {
    const r = await post({ body: 'x'.repeat(CAP + 1), headers: { 'content-length': String(CAP + 1) } });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });

  it('refuses a body longer than its cap even when no length was declared', async () => {
    const r = await post({ body: 'x'.repeat(CAP + 1) });
    expect(r.status).toBe(413);
  });

  it('a malformed Content-Length is not trusted: the body is read within the cap', async () => {
    for (const length of ['-1', '1e3', ' 12', '0x10']) {
      const r = await post({ body: 'x'.repeat(CAP + 1), headers: { 'content-length': length } });
      expect(r.status, length).toBe(413);
    }
  });

  it('cuts a chunked body off at the cap with 413 BODY_TOO_LARGE', async () => {
    const r = await post({ body: stream(10, 200), duplex: 'half' } as RequestInit);
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });

  it('leaves body-less requests alone', async () => {
    const r = await app().request('/api/x');
    expect(await r.json()).toEqual({ bytes: null, text: null });
  });
});
