/** Lenient one-pass decoders used while splitting a request into fields (never throw). */

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Percent-decodes once, `+` as space when `plus` (HTML forms, RFC 1866 §8.2.1). Invalid escapes stay
 * as they are; bytes are read as UTF-8 with U+FFFD for invalid sequences (what the backend sees).
 */
export function decodeComponent(s: string, plus = true): string {
  if (s.indexOf('%') < 0) return plus && s.indexOf('+') >= 0 ? s.replace(/\+/g, ' ') : s;
  const bytes: number[] = [];
  let out = '';
  const flush = () => { if (bytes.length) { out += utf8.decode(new Uint8Array(bytes)); bytes.length = 0; } };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && i + 2 < s.length) {
      const h = hexVal(s.charCodeAt(i + 1)), l = hexVal(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) { bytes.push(h * 16 + l); i += 2; continue; }
    }
    flush();
    out += plus && c === 43 ? ' ' : s[i];
  }
  flush();
  return out;
}

/** Splits `a=1&b=2` (or `;`-less cookie-free forms) into decoded pairs; stops after `max` pairs. */
export function splitPairs(s: string, max: number): { pairs: [rawName: string, name: string, value: string][]; truncated: boolean } {
  const pairs: [string, string, string][] = [];
  let start = 0;
  while (start <= s.length) {
    let end = s.indexOf('&', start);
    if (end < 0) end = s.length;
    if (end > start) {
      if (pairs.length >= max) return { pairs, truncated: true };
      const part = s.slice(start, end);
      const eq = part.indexOf('=');
      const rawName = eq < 0 ? part : part.slice(0, eq);
      pairs.push([rawName, decodeComponent(rawName), eq < 0 ? '' : decodeComponent(part.slice(eq + 1))]);
    }
    start = end + 1;
  }
  return { pairs, truncated: false };
}

export function bytesToText(b: Uint8Array): string {
  return utf8.decode(b);
}
