import type { TargetSink } from './sink.ts';

/** `host` has its own protocol rules; `cookie` is split into names and values below. */
const NOT_VALUES = new Set(['host', 'cookie']);

/** `^item(, item)*$` with optional spaces around the commas, at most `max` items. */
const commaList = (item: string, max: number) =>
  new RegExp(`^\\s*(?:${item})(?:\\s*,\\s*(?:${item})){0,${max - 1}}\\s*$`);

/** `token` or `token;q=0.8` items (Accept-Language, Accept-Encoding, TE …). */
const WEIGHTED = commaList(String.raw`[\w*-]{1,40}(?:\s*;\s*q=[\d.]{1,5})?`, 40);
/** `name` or `name=value` directives (Cache-Control, Connection, Keep-Alive, Priority). */
const DIRECTIVES = commaList(String.raw`[\w-]{1,40}(?:=[\w.-]{1,40})?`, 20);
/** Entity tags: `*`, or `"abc"` / `W/"abc"` with token characters inside. */
const ETAGS = commaList(String.raw`\*|(?:W\/)?"[\w.:+/=-]{0,128}"`, 20);
/** Media ranges with `;name=value` parameters (`text/html, image/webp;q=0.8`). */
const MEDIA_RANGES = commaList(
  String.raw`[\w.+*-]{1,64}\/[\w.+*-]{1,64}(?:\s*;\s*[\w.-]{1,32}=[\w.+-]{1,64}){0,8}`,
  40,
);
/** Client-hint brands: `"Chromium";v="156", "Not)A;Brand";v="99"` (GREASE brands use `( ) / : ; = ? _`). */
const BRANDS = commaList(String.raw`"[\w .;()/:=?-]{0,64}";v="[\w.]{0,32}"`, 10);
/** A single opaque token (request ids, idempotency keys, Cloudflare's ray id). */
const TOKEN = /^[\w.:-]{1,128}$/;
/** `t=…,v2=…` / `t=…,v1=…` signature headers (X-Gateway-Signature, Stripe-Signature). */
const SIGNED = /^[\w=,-]{1,1024}$/;
/** `Bearer <token>` or `Basic <base64>`: a scheme and one token68 (RFC 9110 §11.4). */
const CREDENTIALS = /^[A-Za-z][\w-]{0,20} [\w.~+/-]{1,8192}=*$/;
/** An HTTP date (`Tue, 01 Dec 2026 08:00:00 GMT`): letters, digits, `,` `:` `-` `+` and spaces. */
const DATE = /^[\w ,:+-]{1,64}$/;

/**
 * Headers whose values are machine-generated: signature detectors would only misread them (quality
 * lists, dates, lengths, credentials, fetch metadata), so they are not inspected *while their value
 * has the header's format*. A value outside it (`Accept-Language: ' or 1=1--`) is inspected like any
 * other header: these headers are no hiding place. Everything else, custom headers included, is
 * always inspected.
 */
const MACHINE_FORMATS = new Map<string, RegExp>([
  ['authorization', CREDENTIALS],
  ['proxy-authorization', CREDENTIALS],
  ['accept', MEDIA_RANGES],
  ['accept-encoding', WEIGHTED],
  ['accept-language', WEIGHTED],
  ['accept-charset', WEIGHTED],
  ['te', WEIGHTED],
  ['connection', DIRECTIVES],
  ['keep-alive', DIRECTIVES],
  ['proxy-connection', DIRECTIVES],
  ['cache-control', DIRECTIVES],
  ['pragma', DIRECTIVES],
  ['priority', DIRECTIVES],
  ['content-length', /^\d{1,19}$/],
  ['if-modified-since', DATE],
  ['if-unmodified-since', DATE],
  ['date', DATE],
  ['if-none-match', ETAGS],
  ['if-match', ETAGS],
  ['upgrade-insecure-requests', /^[01]$/],
  ['dnt', /^[01]$/],
  ['x-request-id', TOKEN],
  ['idempotency-key', TOKEN],
  ['cf-connecting-ip', /^[\da-fA-F:.]{1,45}$/],
  ['cf-ray', TOKEN],
  ['cf-ipcountry', /^[A-Za-z0-9]{2}$/],
  ['cf-visitor', /^\{"scheme":"https?"\}$/],
  ['cdn-loop', /^[\w.; =,-]{1,256}$/],
  ['x-forwarded-proto', /^https?$/],
  ['sec-fetch-dest', TOKEN],
  ['sec-fetch-mode', TOKEN],
  ['sec-fetch-site', TOKEN],
  ['sec-fetch-user', /^\?[01]$/],
  ['sec-ch-ua', BRANDS],
  ['sec-ch-ua-mobile', /^\?[01]$/],
  ['sec-ch-ua-platform', /^"[\w .-]{0,32}"$/],
  ['sec-websocket-key', /^[A-Za-z0-9+/=]{1,64}$/],
  ['sec-websocket-version', /^\d{1,3}$/],
  ['x-gateway-signature', SIGNED],
  ['stripe-signature', SIGNED],
]);

/** True when the header is not inspected: its value is the machine format the header carries. */
function hasMachineFormat(name: string, value: string): boolean {
  return MACHINE_FORMATS.get(name)?.test(value) ?? false;
}

/** Header name → value targets (names lower-case), then cookie names and values. */
export function extractHeaders(headers: ReadonlyMap<string, string>, sink: TargetSink): void {
  for (const [name, value] of headers) {
    if (NOT_VALUES.has(name) || value === '' || hasMachineFormat(name, value)) continue;
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
