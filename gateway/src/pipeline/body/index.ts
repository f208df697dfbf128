import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import type { WafRules } from '../../config/schema/waf.ts';
import { problemResponse } from '../../respond.ts';
import { readCapped } from '../../../../shared/read-capped.ts';

/**
 * Reads the request body once, within waf.yaml `body` limits, and stores it as `body` so the WAF
 * inspects and the proxy forwards exactly the same bytes. Over `max_inspected_bytes`: `block` →
 * 413 BODY_TOO_LARGE; `inspect_prefix` → forward up to `max_forwarded_bytes` (the WAF inspects the
 * prefix). A declared Content-Length over the cap is refused before reading anything.
 */
/** A Content-Length as RFC 9110 §8.6 writes it: digits only. */
const DIGITS = /^\d{1,15}$/;

export function body(rules: WafRules): MiddlewareHandler<GatewayEnv> {
  const limits = rules.body;
  const cap =
    limits.over_limit === 'block'
      ? limits.max_inspected_bytes
      : Math.max(limits.max_forwarded_bytes, limits.max_inspected_bytes);
  return async function body(c, next) {
    const stream = c.req.raw.body;
    if (!stream) return next();
    const length = c.req.header('content-length');
    const declared = length !== undefined && DIGITS.test(length) ? Number(length) : undefined;
    if (declared !== undefined && declared > cap) return problemResponse(c, 'BODY_TOO_LARGE');
    // A declared length is what HTTP framing delivers: read it in one call. Chunked bodies (no
    // length) are read chunk by chunk and cut off at the cap.
    const bytes =
      declared !== undefined ? new Uint8Array(await c.req.raw.arrayBuffer()) : await readCapped(stream, cap);
    if (!bytes || bytes.byteLength > cap) return problemResponse(c, 'BODY_TOO_LARGE');
    c.set('body', bytes);
    await next();
  };
}
