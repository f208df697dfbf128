import type { RequestInfo, Target } from '../types.ts';
import { bytesToText, splitPairs } from './decode.ts';
import { extractHeaders } from './headers.ts';
import { scanJsonShape, walkJson } from './json.ts';
import { extractMultipart, multipartBoundary } from './multipart.ts';
import { TargetSink } from './sink.ts';
import { extractXml } from './xml.ts';

/** A request as the engine sees it: from a Worker Request, a replay line or a rule test case. */
export interface WafRequest {
  method: string;
  /** Path and query (`/search?q=x`) or an absolute URL. */
  url: string;
  headers: Iterable<[string, string]> | Record<string, string>;
  /** At most the inspected bytes of the body (the caller applies the size limit), or null. */
  body: Uint8Array | string | null;
}

export interface ExtractLimits {
  jsonMaxDepth: number;
  maxFields: number;
}

/** Body facts the protocol rules score (the engine turns each into a WAF_PROTO match). */
export type BodyFinding = 'json_malformed' | 'json_too_deep' | 'too_many_fields' | 'multipart_malformed';

type BodyKind = 'none' | 'json' | 'form' | 'multipart' | 'xml' | 'text';

export interface Extracted {
  info: RequestInfo;
  targets: Target[];
  findings: BodyFinding[];
  bodyKind: BodyKind;
  /** Media type without parameters, lower-case (`application/json`), or null. */
  mediaType: string | null;
  bodyLength: number;
}

/** Media type without parameters, lower-case; `+json`/`+xml` suffixes kept as they are. */
function mediaTypeOf(contentType: string | null): string | null {
  if (!contentType) return null;
  const semi = contentType.indexOf(';');
  const t = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return t || null;
}

function bodyKindOf(mediaType: string | null, hasBody: boolean): BodyKind {
  if (!hasBody) return 'none';
  if (!mediaType) return 'form'; // curl and old clients post forms without a type; parse as a form, keep the raw text too
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return 'json';
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  if (mediaType.startsWith('multipart/')) return 'multipart';
  if (mediaType === 'application/xml' || mediaType === 'text/xml' || mediaType.endsWith('+xml')) return 'xml';
  return 'text';
}

function headerMap(h: WafRequest['headers']): Map<string, string> {
  const m = new Map<string, string>();
  const entries =
    Symbol.iterator in (h as object) ? (h as Iterable<[string, string]>) : Object.entries(h as Record<string, string>);
  for (const [k, v] of entries) {
    const key = k.toLowerCase();
    const prev = m.get(key);
    m.set(key, prev === undefined ? String(v) : `${prev}, ${v}`);
  }
  return m;
}

function splitUrl(url: string): { path: string; query: string } {
  let u = url;
  if (!u.startsWith('/')) {
    const scheme = u.indexOf('://');
    if (scheme >= 0) {
      const slash = u.indexOf('/', scheme + 3);
      u = slash < 0 ? '/' : u.slice(slash);
    }
  }
  const hash = u.indexOf('#');
  if (hash >= 0) u = u.slice(0, hash);
  const q = u.indexOf('?');
  return q < 0 ? { path: u, query: '' } : { path: u.slice(0, q), query: u.slice(q + 1) };
}

/**
 * Splits a request into inspectable targets: the path, query names and values, headers, cookie
 * names and values, and the body by its content type. Never throws; work is linear in the input.
 */
export function extractTargets(req: WafRequest, limits: ExtractLimits, normalize: (raw: string) => string): Extracted {
  const headers = headerMap(req.headers);
  const { path, query } = splitUrl(req.url);
  const body = req.body === null ? '' : typeof req.body === 'string' ? req.body : bytesToText(req.body);
  const contentType = headers.get('content-type') ?? null;
  const cl = headers.get('content-length');
  const info: RequestInfo = {
    method: req.method.toUpperCase(),
    path,
    host: headers.get('host') ?? null,
    contentType,
    contentLength: cl !== undefined && /^\d{1,15}$/.test(cl) ? Number(cl) : null,
    headers,
  };
  const sink = new TargetSink(limits.maxFields, normalize);
  const findings: BodyFinding[] = [];

  sink.push({ kind: 'path', name: 'path', raw: path }, false);
  pushPathSegments(path, sink);
  if (query) {
    const { pairs, truncated } = splitPairs(query, limits.maxFields);
    for (const [, name, value] of pairs) {
      sink.push({ kind: 'query_name', name, raw: name });
      sink.push({ kind: 'query', name, raw: value });
    }
    if (truncated) {
      sink.full = true;
      sink.push({ kind: 'query', name: '$raw', raw: query }, false);
    }
  }
  extractHeaders(headers, sink);

  const mediaType = mediaTypeOf(contentType);
  const bodyKind = bodyKindOf(mediaType, body.length > 0);
  extractBody(body, bodyKind, contentType ?? '', limits, sink, findings);
  if (sink.full && !findings.includes('too_many_fields')) findings.push('too_many_fields');
  return { info, targets: sink.targets, findings, bodyKind, mediaType, bodyLength: body.length };
}

/** A slug, id or file name: letters, digits and `-._~` only. Such segments carry no attack. */
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]*$/;
/** Segments inspected one by one per request; a path of thousands of segments keeps only the whole-path target. */
const MAX_PATH_SEGMENTS = 32;

/**
 * Each path segment that is not plain becomes its own target: a payload in `/api/scholarships/<x>`
 * is then judged from its own start, like a query value, instead of in the middle of the path.
 */
function pushPathSegments(path: string, sink: TargetSink): void {
  let n = 0;
  for (const seg of path.split('/')) {
    if (seg === '' || PLAIN_SEGMENT.test(seg)) continue;
    if (++n > MAX_PATH_SEGMENTS) return;
    sink.push({ kind: 'path_segment', name: 'path', raw: seg }, false);
  }
}

/**
 * False when the text holds at most `depth` brackets in all, so it cannot nest deeper: counted with
 * native `indexOf` jumps, which spares the character-by-character shape scan on ordinary bodies.
 */
function mayNestBeyond(text: string, depth: number): boolean {
  let n = 0;
  for (const open of ['{', '[']) {
    for (let k = text.indexOf(open); k >= 0; k = text.indexOf(open, k + 1)) if (++n > depth) return true;
  }
  return false;
}

/** The whole body as one target, when its fields cannot be (or cannot all be) inspected. */
function pushRaw(sink: TargetSink, body: string): void {
  sink.push({ kind: 'body', name: 'body', raw: body }, false);
}

function extractBody(
  body: string,
  kind: BodyKind,
  contentType: string,
  limits: ExtractLimits,
  sink: TargetSink,
  findings: BodyFinding[],
): void {
  if (kind === 'none') return;
  switch (kind) {
    case 'json': {
      if (mayNestBeyond(body, limits.jsonMaxDepth) && scanJsonShape(body).depth > limits.jsonMaxDepth) {
        findings.push('json_too_deep');
        pushRaw(sink, body);
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        findings.push('json_malformed');
        pushRaw(sink, body);
        return;
      }
      const { depthExceeded } = walkJson(parsed, limits.jsonMaxDepth, sink);
      if (depthExceeded) findings.push('json_too_deep');
      if (sink.full) pushRaw(sink, body);
      return;
    }
    case 'form': {
      const { pairs, truncated } = splitPairs(body, limits.maxFields);
      for (const [, name, value] of pairs) {
        sink.push({ kind: 'form_name', name, raw: name });
        sink.push({ kind: 'form', name, raw: value });
      }
      // Without a declared type the raw text is inspected too: it may not be a form at all.
      if (truncated || sink.full || !contentType) pushRaw(sink, body);
      return;
    }
    case 'multipart': {
      const boundary = multipartBoundary(contentType);
      if (!boundary || !extractMultipart(body, boundary, sink)) {
        findings.push('multipart_malformed');
        pushRaw(sink, body);
        return;
      }
      if (sink.full) pushRaw(sink, body);
      return;
    }
    case 'xml':
      extractXml(body, sink);
      if (sink.full) pushRaw(sink, body);
      return;
    default:
      pushRaw(sink, body);
  }
}
