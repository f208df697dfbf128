import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import type { WafRules } from '../../../../shared/rules/waf.ts';
import { problemResponse } from '../../respond.ts';

/** Why the body could not be read whole. */
type ReadResult = { bytes: Uint8Array } | { tooLarge: true };

/** Reads a stream up to `cap` bytes; stops (and cancels the stream) as soon as it goes over. */
async function readCapped(stream: ReadableStream<Uint8Array>, cap: number): Promise<ReadResult> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => {});
      return { tooLarge: true };
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return { bytes: chunks[0] };
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const ch of chunks) {
    bytes.set(ch, off);
    off += ch.byteLength;
  }
  return { bytes };
}

/**
 * Reads the request body once, within waf.yaml `body` limits, and stores it as `body` so the WAF
 * inspects and the proxy forwards exactly the same bytes. Over `max_inspected_bytes`: `block` →
 * 413 BODY_TOO_LARGE; `inspect_prefix` → forward up to `max_forwarded_bytes` (the WAF inspects the
 * prefix). A declared Content-Length over the cap is refused before reading anything.
 */
export function body(rules: WafRules): MiddlewareHandler<GatewayEnv> {
  const limits = rules.body;
  const cap =
    limits.over_limit === 'block'
      ? limits.max_inspected_bytes
      : Math.max(limits.max_forwarded_bytes, limits.max_inspected_bytes);
  return async function body(c, next) {
    const stream = c.req.raw.body;
    if (!stream) return next();
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > cap) return problemResponse(c, 'BODY_TOO_LARGE');
    const r = await readCapped(stream, cap);
    if ('tooLarge' in r) return problemResponse(c, 'BODY_TOO_LARGE');
    c.set('body', r.bytes);
    await next();
  };
}
