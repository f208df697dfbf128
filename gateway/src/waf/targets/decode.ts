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
  const spaced = plus && s.indexOf('+') >= 0 ? s.replace(/\+/g, ' ') : s;
  try {
    return decodeURIComponent(spaced);
  } catch {
    /* invalid escapes or UTF-8: decode leniently below */
  }
  let out = '';
  let bytes: number[] | null = null; // pending non-ASCII bytes of a UTF-8 sequence
  let lit = 0; // start of the pending literal run
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let b = -1;
    if (c === 37 && i + 2 < s.length) {
      const h = hexVal(s.charCodeAt(i + 1)),
        l = hexVal(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) b = h * 16 + l;
    }
    if (b < 0 && !(plus && c === 43)) continue;
    if (lit < i) {
      if (bytes) {
        out += utf8.decode(new Uint8Array(bytes));
        bytes = null;
      }
      out += s.slice(lit, i);
    }
    if (b < 0) {
      if (bytes) {
        out += utf8.decode(new Uint8Array(bytes));
        bytes = null;
      }
      out += ' ';
      lit = i + 1;
      continue;
    }
    // ASCII decodes to itself; only multi-byte sequences need the UTF-8 decoder.
    if (b < 0x80 && !bytes) out += String.fromCharCode(b);
    else (bytes ??= []).push(b);
    i += 2;
    lit = i + 1;
  }
  if (bytes) out += utf8.decode(new Uint8Array(bytes));
  if (lit < s.length) out += s.slice(lit);
  return out;
}

/** Splits `a=1&b=2` (or `;`-less cookie-free forms) into decoded pairs; stops after `max` pairs. */
export function splitPairs(
  s: string,
  max: number,
): { pairs: [rawName: string, name: string, value: string][]; truncated: boolean } {
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
