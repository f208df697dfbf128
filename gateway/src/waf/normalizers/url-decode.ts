import { decodeUtf8Bytes } from './utf8-bytes.ts';

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/**
 * One pass of percent-decoding: `%XX` byte runs are decoded as UTF-8 (overlong forms such as
 * `%c0%ae` fold to the ASCII they spell, as the vulnerable decoders attackers target do), and
 * IIS-style `%uXXXX` becomes the code unit. Invalid escapes stay as they are. `+` is left alone:
 * the engine already form-decoded query and form values once. Linear, never throws.
 */
export function urlDecodeOnce(input: string): string {
  let i = input.indexOf('%');
  if (i < 0) return input;
  let out = '';
  let last = 0;
  const n = input.length;
  while (i >= 0) {
    // A run of %XX bytes decodes together (multi-byte UTF-8); %uXXXX is one code unit.
    let j = i;
    const bytes: number[] = [];
    while (j + 2 < n && input.charCodeAt(j) === 37) {
      const h = hexVal(input.charCodeAt(j + 1));
      const l = hexVal(input.charCodeAt(j + 2));
      if (h < 0 || l < 0) break;
      bytes.push(h * 16 + l);
      j += 3;
    }
    if (bytes.length) {
      out += input.slice(last, i) + decodeUtf8Bytes(bytes);
      last = j;
      i = input.indexOf('%', j);
      continue;
    }
    if ((input.charCodeAt(i + 1) | 0x20) === 117 /* u */ && i + 5 < n) {
      let v = 0;
      let ok = true;
      for (let k = 2; k < 6; k++) {
        const d = hexVal(input.charCodeAt(i + k));
        if (d < 0) {
          ok = false;
          break;
        }
        v = v * 16 + d;
      }
      if (ok) {
        out += input.slice(last, i) + String.fromCharCode(v);
        last = i + 6;
        i = input.indexOf('%', last);
        continue;
      }
    }
    i = input.indexOf('%', i + 1);
  }
  return last === 0 ? input : out + input.slice(last);
}
