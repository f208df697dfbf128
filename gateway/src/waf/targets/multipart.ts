import type { TargetSink } from './sink.ts';

/** Part bodies with these media types (or none) are text worth inspecting; binary uploads are not. */
function isTextPart(ct: string | null): boolean {
  if (!ct) return true;
  const t = ct.toLowerCase();
  return (
    t.startsWith('text/') ||
    t.includes('json') ||
    t.includes('xml') ||
    t.startsWith('application/x-www-form-urlencoded')
  );
}

/** `boundary` parameter of a multipart Content-Type (RFC 2046 §5.1.1), or null. */
export function multipartBoundary(contentType: string): string | null {
  const m = /;\s*boundary\s*=\s*("([^"]{1,200})"|([^;\s]{1,200}))/i.exec(contentType);
  return m ? (m[2] ?? m[3]) : null;
}

function dispositionParam(disposition: string, key: string): string | null {
  // Hand-scanned: parameters are `; key="value"` or `; key=value` (RFC 7578 §4.2).
  const lower = disposition.toLowerCase();
  let from = 0;
  for (;;) {
    const at = lower.indexOf(key + '=', from);
    if (at < 0) return null;
    const before = lower.slice(0, at).trimEnd();
    if (!before.endsWith(';')) {
      from = at + 1;
      continue;
    }
    const i = at + key.length + 1;
    if (disposition[i] === '"') {
      const end = disposition.indexOf('"', i + 1);
      return disposition.slice(i + 1, end < 0 ? undefined : end);
    }
    const end = disposition.indexOf(';', i);
    return disposition.slice(i, end < 0 ? undefined : end).trim();
  }
}

/**
 * Splits a multipart/form-data body into parts: every field value becomes a `multipart` target,
 * every file name a `filename` target, part header values `header`-like `multipart` targets.
 * Returns false when the body does not look like multipart with this boundary.
 */
export function extractMultipart(text: string, boundary: string, sink: TargetSink): boolean {
  const delim = '--' + boundary;
  let pos = text.indexOf(delim);
  if (pos < 0) return false;
  let parts = 0;
  while (pos >= 0 && !sink.full) {
    pos += delim.length;
    if (text.startsWith('--', pos)) break; // closing delimiter
    const headerEnd = text.indexOf('\r\n\r\n', pos);
    const lfEnd = text.indexOf('\n\n', pos);
    const useLf = headerEnd < 0 || (lfEnd >= 0 && lfEnd < headerEnd);
    const hEnd = useLf ? lfEnd : headerEnd;
    if (hEnd < 0) break;
    const headerText = text.slice(pos, hEnd);
    const bodyStart = hEnd + (useLf ? 2 : 4);
    const next = text.indexOf(delim, bodyStart);
    let value = text.slice(bodyStart, next < 0 ? text.length : next);
    if (value.endsWith('\r\n')) value = value.slice(0, -2);
    else if (value.endsWith('\n')) value = value.slice(0, -1);
    let name = `part${parts}`,
      filename: string | null = null,
      ct: string | null = null;
    for (const line of headerText.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const hn = line.slice(0, colon).trim().toLowerCase();
      const hv = line.slice(colon + 1).trim();
      if (hn === 'content-disposition') {
        name = dispositionParam(hv, 'name') ?? name;
        filename = dispositionParam(hv, 'filename');
      } else if (hn === 'content-type') ct = hv;
      else sink.push({ kind: 'multipart', name: `${name}:${hn}`, raw: hv });
    }
    if (ct) sink.push({ kind: 'multipart', name: `${name}:content-type`, raw: ct });
    sink.push({ kind: 'form_name', name, raw: name });
    if (filename !== null) sink.push({ kind: 'filename', name, raw: filename });
    if (filename === null || isTextPart(ct)) sink.push({ kind: 'multipart', name, raw: value });
    parts++;
    pos = next;
  }
  return true;
}
