/**
 * The one canonical form of a request target. The first stage parses the raw target once; the WAF,
 * the JWT rule, the rate limiter and the proxy all decide on (and forward) this same form, so no
 * stage can be shown one path while the backend routes another (issue 14, findings 1 and 2).
 *
 * Canonical path: each segment percent-decoded (valid UTF-8 only) and re-encoded the same way
 * (RFC 3986 §3.3 pchar kept, everything else %XX upper case), raw `.` and `..` segments resolved
 * (RFC 3986 §5.2.4), exactly one `/` between segments. Ambiguous shapes are refused, never repaired:
 * a fix-up is exactly the kind of disagreement between two parsers an attacker looks for.
 */

export interface CanonicalRequest {
  /** Canonical path, always starting with one `/` (a trailing `/` is kept: `/a/` is not `/a`). */
  path: string;
  /** Canonical query including the leading `?`, or the empty string. */
  query: string;
  /** `path + query`: what the proxy appends to the backend origin, byte for byte. */
  target: string;
}

/** Why a target was refused; the stage turns this into problem+json (never echoing the target). */
export type RefusalReason =
  | 'backslash'
  | 'empty_segment'
  | 'encoded_separator'
  | 'encoded_dot_segment'
  | 'control_character'
  | 'malformed_escape'
  | 'above_root'
  | 'not_origin_form';

export type CanonicalResult = { ok: true; request: CanonicalRequest } | { ok: false; reason: RefusalReason };

/** Human text for each refusal (safe to show: it names the shape, not the input). */
export const REFUSAL_DETAIL: Record<RefusalReason, string> = {
  backslash: 'The path contains a backslash',
  empty_segment: 'The path contains an empty segment (//)',
  encoded_separator: 'The path contains an encoded /, \\ or NUL',
  encoded_dot_segment: 'The path contains an encoded . or .. segment',
  control_character: 'The request target contains a control character',
  malformed_escape: 'The request target contains a malformed percent-escape',
  above_root: 'The path climbs above the root with ..',
  not_origin_form: 'The request target is not a path',
};

// RFC 3986 pchar minus `%`: unreserved / sub-delims / ":" / "@". Everything else is escaped.
const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
// Query: pchar plus "/" and "?" (RFC 3986 §3.4), and `%` for escapes checked separately.
const QCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]$/;
const HEX = '0123456789ABCDEF';

function escapeByte(b: number): string {
  return `%${HEX[b >> 4]}${HEX[b & 15]}`;
}

/** Re-encodes one decoded segment: pchar stays, every other UTF-8 byte becomes %XX. */
function encodeSegment(s: string): string {
  let out = '';
  for (const ch of s) {
    if (PCHAR.test(ch)) out += ch;
    else for (const b of new TextEncoder().encode(ch)) out += escapeByte(b);
  }
  return out;
}

const isControl = (code: number) => code < 0x20 || code === 0x7f;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The decoded segment, or null when an escape is malformed or not UTF-8. */
function decodeSegment(raw: string): string | null {
  if (raw.indexOf('%') < 0) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** The canonical query (escapes upper-cased, other bytes escaped), or why it is refused. */
function canonicalQuery(raw: string): { ok: string } | { refused: RefusalReason } {
  if (raw === '' || raw === '?') return { ok: '' };
  let out = '?';
  for (let i = 1; i < raw.length; i++) {
    const ch = raw[i];
    const code = ch.charCodeAt(0);
    if (isControl(code)) return { refused: 'control_character' };
    if (ch === '%') {
      if (!/^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) return { refused: 'malformed_escape' };
      if (raw.slice(i + 1, i + 3) === '00') return { refused: 'control_character' };
      out += raw.slice(i, i + 3).toUpperCase();
      i += 2;
    } else if (QCHAR.test(ch)) out += ch;
    else {
      // A lone surrogate cannot be encoded: refuse rather than guess.
      const cp = raw.codePointAt(i)!;
      if (cp >= 0xd800 && cp <= 0xdfff) return { refused: 'malformed_escape' };
      const full = String.fromCodePoint(cp);
      for (const b of new TextEncoder().encode(full)) out += escapeByte(b);
      i += full.length - 1;
    }
  }
  return { ok: out };
}

/**
 * Canonicalises an origin-form request target (`/path?query`, no fragment expected).
 * @example canonicalTarget('/api/auth/%6Cogin?x=1') // { ok: true, request: { path: '/api/auth/login', ... } }
 * @example canonicalTarget('/api\\auth\\login') // { ok: false, reason: 'backslash' }
 */
export function canonicalTarget(target: string): CanonicalResult {
  const refuse = (reason: RefusalReason): CanonicalResult => ({ ok: false, reason });
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  if (rawPath[0] !== '/') return refuse('not_origin_form');
  for (let i = 0; i < rawPath.length; i++) {
    const code = rawPath.charCodeAt(i);
    if (code === 0x5c) return refuse('backslash');
    if (isControl(code)) return refuse('control_character');
  }
  const raws = rawPath.slice(1).split('/');
  const out: string[] = [];
  let trailing = false;
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i];
    const last = i === raws.length - 1;
    if (raw === '') {
      if (!last) return refuse('empty_segment');
      trailing = true;
      continue;
    }
    if (raw === '.' || raw === '..') {
      if (raw === '..' && out.pop() === undefined) return refuse('above_root');
      trailing = last;
      continue;
    }
    const seg = decodeSegment(raw);
    if (seg === null) return refuse('malformed_escape');
    if (seg === '.' || seg === '..') return refuse('encoded_dot_segment');
    if (LONE_SURROGATE.test(seg)) return refuse('malformed_escape');
    for (let k = 0; k < seg.length; k++) {
      const code = seg.charCodeAt(k);
      if (code === 0x2f || code === 0x5c || code === 0) return refuse('encoded_separator');
      if (isControl(code)) return refuse('control_character');
    }
    out.push(encodeSegment(seg));
    trailing = false;
  }
  const path = `/${out.join('/')}${trailing && out.length ? '/' : ''}`;
  const qr = q < 0 ? { ok: '' } : canonicalQuery(target.slice(q));
  if ('refused' in qr) return refuse(qr.refused);
  const query = qr.ok;
  return { ok: true, request: { path, query, target: path + query } };
}

/**
 * The origin-form target inside a Request's URL (`http://host/p?q` → `/p?q`), read from the string
 * itself: a URL parser would already have "fixed" `\` and dot segments, hiding what the client sent.
 */
export function rawTarget(url: string): string {
  const scheme = url.indexOf('://');
  const start = scheme < 0 ? 0 : scheme + 3;
  for (let i = start; i < url.length; i++) {
    const ch = url[i];
    if (ch === '/' || ch === '?' || ch === '\\') return ch === '?' ? `/${url.slice(i)}` : url.slice(i);
  }
  return '/';
}
