/**
 * Rough request → Target extraction for the detector dev harness (scripts/waf-corpus-eval.ts) only.
 * The real extraction lives in the engine; this exists so detectors can be measured before it lands.
 */
import type { Target, TargetKind } from '../gateway/src/waf/types.ts';
import { normalizeValue } from '../gateway/src/waf/normalizers/index.ts';

export interface CorpusRequest {
  id: string; method: string; uri: string; headers: Record<string, string>; body: string | null;
  family?: string; paranoia?: number; expect?: string; rule?: number;
}

const SKIP_HEADERS = new Set(['host', 'content-length', 'accept-encoding', 'connection', 'keep-alive', 'proxy-connection']);

function t(kind: TargetKind, name: string, raw: string): Target {
  return { kind, name, raw, value: normalizeValue(raw) };
}

function formDecode(s: string): string {
  return s.split('+').join(' ');
}

function pairs(s: string, kv: TargetKind, kn: TargetKind, out: Target[]) {
  for (const part of s.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = formDecode(eq < 0 ? part : part.slice(0, eq));
    const val = eq < 0 ? '' : formDecode(part.slice(eq + 1));
    out.push(t(kn, name, name));
    if (eq >= 0) out.push(t(kv, name, val));
  }
}

function walkJson(v: unknown, path: string, out: Target[], depth = 0) {
  if (depth > 32) return;
  if (typeof v === 'string') { out.push(t('json', path, v)); return; }
  if (typeof v === 'number' || typeof v === 'boolean') { out.push(t('json', path, String(v))); return; }
  if (Array.isArray(v)) { v.forEach((x, i) => walkJson(x, `${path}[${i}]`, out, depth + 1)); return; }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(t('json_key', `${path}.${k}`, k));
      walkJson(x, `${path}.${k}`, out, depth + 1);
    }
  }
}

/** Text nodes and attribute values of an XML body (entities are decoded by the normalizer). */
function xmlTargets(body: string, out: Target[]) {
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const text = body.slice(i, lt < 0 ? body.length : lt).trim();
    if (text) out.push(t('xml', 'text', text));
    if (lt < 0) break;
    const gt = body.indexOf('>', lt);
    const tag = body.slice(lt, gt < 0 ? body.length : gt + 1);
    if (tag.startsWith('<!')) out.push(t('xml', 'decl', tag));
    for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) out.push(t('xml', m[1], m[2]));
    i = gt < 0 ? body.length : gt + 1;
  }
}

function multipart(body: string, ct: string, out: Target[]) {
  const m = /boundary=("?)([^";]+)\1/i.exec(ct);
  const boundary = m ? m[2] : body.split(/\r?\n/)[0].replace(/^--/, '');
  for (const part of body.split('--' + boundary)) {
    const sep = part.search(/\r?\n\r?\n/);
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const val = part.slice(sep).replace(/^\r?\n\r?\n/, '').replace(/\r?\n$/, '');
    const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
    const fn = /filename="([^"]*)"/i.exec(head)?.[1];
    out.push(t('form_name', name, name));
    if (fn !== undefined) out.push(t('filename', name, fn));
    out.push(t('multipart', name, val));
  }
}

export function extractTargets(r: CorpusRequest): Target[] {
  const out: Target[] = [];
  const q = r.uri.indexOf('?');
  const path = q < 0 ? r.uri : r.uri.slice(0, q);
  out.push(t('path', 'path', path));
  if (q >= 0) pairs(r.uri.slice(q + 1), 'query', 'query_name', out);
  let ct = '';
  for (const [k, v] of Object.entries(r.headers ?? {})) {
    const name = k.toLowerCase();
    if (name === 'content-type') ct = v;
    if (SKIP_HEADERS.has(name)) continue;
    if (name === 'cookie') {
      for (const c of v.split(';')) {
        const eq = c.indexOf('=');
        const cn = (eq < 0 ? c : c.slice(0, eq)).trim();
        out.push(t('cookie_name', cn, cn));
        if (eq >= 0) out.push(t('cookie', cn, c.slice(eq + 1).trim()));
      }
      continue;
    }
    out.push(t('header', name, v));
  }
  const body = r.body;
  if (body) {
    const ctl = ct.toLowerCase();
    const trimmed = body.trimStart();
    if (ctl.includes('json') || ((trimmed.startsWith('{') || trimmed.startsWith('[')) && !ctl.includes('form'))) {
      try { walkJson(JSON.parse(body), '$', out); } catch { out.push(t('body', 'body', body)); }
    } else if (ctl.includes('multipart') || trimmed.startsWith('--')) {
      multipart(body, ct, out);
    } else if (ctl.includes('xml') || trimmed.startsWith('<')) {
      xmlTargets(body, out);
    } else if (ctl.includes('urlencoded') || !ctl) {
      // Clients (and CRS's test runner) send form bodies without a content type; treat as a form.
      pairs(body, 'form', 'form_name', out);
    } else {
      out.push(t('body', 'body', body));
    }
  }
  return out;
}
