import type { TargetSink } from './sink.ts';

/**
 * Headers whose values are machine-generated tokens the detectors would only misread (quality
 * lists, dates, lengths, fetch metadata). Everything else, custom headers included, is inspected.
 * `host` has its own protocol rules; `cookie` is split into names and values below; `authorization`
 * carries credentials (base64, JWTs) that look like noise to signature detectors.
 */
const SKIPPED = new Set([
  'host',
  'cookie',
  'authorization',
  'proxy-authorization',
  'accept',
  'accept-encoding',
  'accept-language',
  'accept-charset',
  'connection',
  'content-length',
  'keep-alive',
  'proxy-connection',
  'cache-control',
  'pragma',
  'if-modified-since',
  'if-unmodified-since',
  'if-none-match',
  'if-match',
  'date',
  'te',
  'upgrade-insecure-requests',
  'dnt',
  'priority',
  'x-request-id',
  'cf-connecting-ip',
  'cf-ray',
  'cf-ipcountry',
  'cf-visitor',
  'cdn-loop',
  'x-forwarded-proto',
  'sec-fetch-dest',
  'sec-fetch-mode',
  'sec-fetch-site',
  'sec-fetch-user',
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
  'sec-websocket-key',
  'sec-websocket-version',
  'x-gatehouse-signature',
  'idempotency-key',
  'stripe-signature',
]);

/** Header name → value targets (names lower-case), then cookie names and values. */
export function extractHeaders(headers: ReadonlyMap<string, string>, sink: TargetSink): void {
  for (const [name, value] of headers) {
    if (SKIPPED.has(name) || value === '') continue;
    sink.push({ kind: 'header', name, raw: value }, false);
  }
  const cookie = headers.get('cookie');
  if (cookie) extractCookies(cookie, sink);
}

/** `a=1; b=2` (RFC 6265 §4.2.1) into `cookie_name` and `cookie` targets; stops when the field budget is spent. */
function extractCookies(cookie: string, sink: TargetSink): void {
  for (const part of cookie.split(';')) {
    if (sink.full) return;
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!name && !value) continue;
    // Cookies count against max_fields: one header can carry thousands of them.
    sink.push({ kind: 'cookie_name', name, raw: name });
    if (value) sink.push({ kind: 'cookie', name, raw: value });
  }
}
