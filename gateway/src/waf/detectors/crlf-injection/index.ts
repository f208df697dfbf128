/*
 * Needs (pre-check): a CR or LF (CRLF_001/003), or ` HTTP/` with a `/` (CRLF_002).
 */
import type { Detector, Match, RuleMeta, TargetKind } from '../../types.ts';
import { isWordCode, matchAt } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_CRLF_001',
    family: 'crlf',
    severity: 'critical',
    paranoia: 1,
    description: 'CR/LF followed by a header line in a URL, header or cookie value (response splitting)',
  },
  {
    id: 'WAF_CRLF_002',
    family: 'crlf',
    severity: 'critical',
    paranoia: 1,
    description: 'Embedded HTTP request or response line (request smuggling: \\nGET /x HTTP/1.1)',
  },
  {
    id: 'WAF_CRLF_003',
    family: 'crlf',
    severity: 'critical',
    paranoia: 1,
    description: 'CR/LF inside the URL path or a query, form or cookie name',
  },
  {
    id: 'WAF_CRLF_004',
    family: 'crlf',
    severity: 'critical',
    paranoia: 1,
    description:
      'Unicode newline lookalike (U+560A 嘊, U+560D 嘍, U+010A …: a character whose low byte is CR or LF) followed by an HTTP header',
  },
] as const satisfies readonly RuleMeta[];

/** Where a newline is never legitimate; body fields (essays) have newlines and "Note:" lines. */
const LINE_KINDS = new Set<TargetKind>(['path', 'query', 'query_name', 'header', 'cookie', 'cookie_name', 'form_name']);
/**
 * Headers an attacker injects into a body field, safe to flag there too: the classic targets plus
 * hyphenated technical names no essay line starts with ("Date:", "Origin:" or "Server:" may).
 */
const HTTP_HEADERS = new Set([
  'set-cookie',
  'location',
  'content-type',
  'content-length',
  'transfer-encoding',
  'x-forwarded-for',
  'host',
  'refresh',
  'access-control-allow-origin',
  'remote-addr',
  'connection',
  'cache-control',
  'x-xss-protection',
  'content-security-policy',
  'content-disposition',
  'content-encoding',
  'content-location',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'x-original-url',
  'x-rewrite-url',
  'x-http-method-override',
  'x-frame-options',
  'x-content-type-options',
  'x-powered-by',
  'strict-transport-security',
  'access-control-allow-credentials',
  'access-control-allow-headers',
  'access-control-allow-methods',
  'authorization',
  'proxy-authorization',
  'www-authenticate',
  'user-agent',
  'referer',
]);
const METHODS = ['get', 'post', 'put', 'head', 'delete', 'options', 'patch', 'connect', 'trace', 'propfind'];

function headerAfterNewline(s: string, strictNames: boolean): number {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\r' && c !== '\n') continue;
    let j = i + 1;
    while (j < s.length && (s[j] === '\r' || s[j] === '\n')) j++;
    const st = j;
    while (j < s.length && j - st < 64 && (isWordCode(s.charCodeAt(j)) || s[j] === '-')) j++;
    while (s[j] === ' ' || s[j] === '\r' || s[j] === '\t') j++;
    if (j > st && s[j] === ':') {
      const name = s.slice(st, j).trim().toLowerCase();
      if (!strictNames || HTTP_HEADERS.has(name)) return i;
    }
    // Blank line then markup: body injection in a split response.
    if (s.startsWith('<', st) && s.slice(i, st).includes('\n') && s.slice(i, st).length >= 2) return i;
    // A status line after the break starts a second response (`\nHTTP/1.1 200 OK`): response splitting.
    // (`HTTP/2 is faster` in an essay is no status line: the version needs a 3-digit status after it).
    if ((s[st] === 'H' || s[st] === 'h') && /^http\/\d(\.\d)? \d{3}( |$)/i.test(s.slice(st, st + 17))) return i;
    i = Math.max(i, st - 1);
  }
  return -1;
}

/** Low byte of a code unit above U+00FF is CR or LF: servers that truncate to a byte see a line break. */
const lowNewline = (c: number) => c > 0xff && ((c & 0xff) === 10 || (c & 0xff) === 13);

/**
 * Lookalike line breaks (`%E5%98%8A%E5%98%8D` = 嘊嘍, U+560A/U+560D) then a known HTTP header name
 * and `:`. Ordinary CJK text has such characters (1 in 128) but not followed by `Set-Cookie:`.
 */
function unicodeNewlineHeader(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (!lowNewline(s.charCodeAt(i))) continue;
    let j = i + 1;
    while (j < s.length && lowNewline(s.charCodeAt(j))) j++;
    const st = j;
    while (j < s.length && j - st < 40 && (isWordCode(s.charCodeAt(j)) || s[j] === '-')) j++;
    if (j > st && s[j] === ':' && HTTP_HEADERS.has(s.slice(st, j).toLowerCase())) return i;
    i = Math.max(i, st - 1);
  }
  return -1;
}

/** Where a request line (`GET /x HTTP/1.1`) sits in the value; `l` is the value lower-cased. */
function embeddedHttpLine(l: string): number {
  let k = l.indexOf(' http/');
  while (k >= 0) {
    // Walk back over the request target to the method word.
    let b = k - 1;
    while (b >= 0 && l[b] !== ' ') b--;
    let m = b - 1;
    while (m >= 0 && l[m] >= 'a' && l[m] <= 'z') m--;
    const method = l.slice(m + 1, b);
    const target = l.slice(b + 1, k);
    if (
      b > 0 &&
      METHODS.includes(method) &&
      (target.startsWith('/') || target.startsWith('http')) &&
      /[0-9]/.test(l[k + 6] ?? '')
    )
      return m + 1;
    k = l.indexOf(' http/', k + 6);
  }
  return -1;
}

/**
 * CRLF / header injection and request smuggling payloads. In URL, header and cookie values any
 * newline followed by `Name:` counts; in body fields only real HTTP header names do.
 */
function firstBreak(v: string): number {
  const n = v.indexOf('\n');
  const r = v.indexOf('\r');
  return n < 0 ? r : r < 0 ? n : Math.min(n, r);
}

export const crlfInjection = {
  name: 'crlf-injection',
  rules: RULES,
  detect(target, views) {
    const v = target.value;
    const found: Match[] = [];
    // The shared presence table answers "any newline / any slash?" without rescanning the value.
    const has = views.has;
    // A fact, not just a prefilter (the excerpt position depends on it): asked of the value itself.
    const hasNl = v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0;
    if (hasNl) {
      if (target.kind === 'path')
        found.push(matchAt('WAF_CRLF_003', target, Math.max(v.indexOf('\n'), v.indexOf('\r'))));
      // Browsers never put a line break in a query or cookie name: it is a header being smuggled. A
      // form name may end in one (a raw body posted without a content type ends with a newline).
      else if (
        target.kind === 'query_name' ||
        target.kind === 'cookie_name' ||
        (target.kind === 'form_name' && v.trimEnd().length > firstBreak(v))
      ) {
        found.push(matchAt('WAF_CRLF_003', target, firstBreak(v)));
      }
      const k = headerAfterNewline(v, !LINE_KINDS.has(target.kind));
      if (k >= 0) found.push(matchAt('WAF_CRLF_001', target, k));
    }
    if (/[^\x00-\xff]/.test(v)) {
      const u = unicodeNewlineHeader(v);
      if (u >= 0) found.push(matchAt('WAF_CRLF_004', target, u));
    }
    if (v.length > 12 && has[47] && (v.indexOf(' HTTP/') >= 0 || v.indexOf(' http/') >= 0)) {
      const k = embeddedHttpLine(views.lower);
      if (k >= 0 && (hasNl || target.kind === 'query' || target.kind === 'form' || target.kind === 'header'))
        found.push(matchAt('WAF_CRLF_002', target, k));
    }
    return found;
  },
} satisfies Detector;
