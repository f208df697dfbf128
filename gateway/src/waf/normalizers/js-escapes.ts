function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

function readHex(s: string, at: number, len: number): number {
  if (at + len > s.length) return -1;
  let v = 0;
  for (let k = 0; k < len; k++) {
    const d = hexVal(s.charCodeAt(at + k));
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/**
 * Decodes JavaScript/JSON-style escapes attackers use to hide keywords: `\uXXXX`, `\u{X…}` and
 * `\xXX`. Other backslashes stay (Windows paths must survive). One linear pass.
 */
export function decodeJsEscapes(input: string): string {
  let i = input.indexOf('\\');
  if (i < 0) return input;
  let out = '';
  let last = 0;
  const n = input.length;
  while (i >= 0 && i + 1 < n) {
    const t = input.charCodeAt(i + 1) | 0x20;
    let rep: string | null = null;
    let j = i;
    if (t === 117 /* u */) {
      if (input.charCodeAt(i + 2) === 123 /* { */) {
        const close = input.indexOf('}', i + 3);
        if (close > i + 3 && close - (i + 3) <= 6) {
          const v = readHex(input, i + 3, close - (i + 3));
          if (v >= 0 && v <= 0x10ffff) {
            rep = String.fromCodePoint(v);
            j = close + 1;
          }
        }
      } else {
        const v = readHex(input, i + 2, 4);
        if (v >= 0) {
          rep = String.fromCharCode(v);
          j = i + 6;
        }
      }
    } else if (t === 120 /* x */) {
      const v = readHex(input, i + 2, 2);
      if (v >= 0) {
        rep = String.fromCharCode(v);
        j = i + 4;
      }
    }
    if (rep !== null) {
      out += input.slice(last, i) + rep;
      last = j;
      i = input.indexOf('\\', j);
    } else {
      i = input.indexOf('\\', i + 1);
    }
  }
  return last === 0 ? input : out + input.slice(last);
}
