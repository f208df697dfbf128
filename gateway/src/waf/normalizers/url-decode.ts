import type { Normalizer } from '../types.ts';
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
  if (input.indexOf('%') < 0) return input;
  let out = '';
  let bytes: number[] | null = null;
  const n = input.length;
  let i = 0;
  const flush = () => {
    if (bytes && bytes.length) out += decodeUtf8Bytes(bytes);
    bytes = null;
  };
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c === 37 /* % */) {
      if (i + 2 < n) {
        const h = hexVal(input.charCodeAt(i + 1));
        const l = hexVal(input.charCodeAt(i + 2));
        if (h >= 0 && l >= 0) {
          (bytes ??= []).push(h * 16 + l);
          i += 3;
          continue;
        }
      }
      const u = input.charCodeAt(i + 1) | 0x20;
      if (u === 117 /* u */ && i + 5 < n) {
        let v = 0;
        let ok = true;
        for (let k = 2; k < 6; k++) {
          const d = hexVal(input.charCodeAt(i + k));
          if (d < 0) { ok = false; break; }
          v = v * 16 + d;
        }
        if (ok) {
          flush();
          out += String.fromCharCode(v);
          i += 6;
          continue;
        }
      }
    }
    flush();
    out += input[i];
    i++;
  }
  flush();
  return out;
}

export const urlDecode = {
  name: 'url-decode',
  apply(input: string) {
    const value = urlDecodeOnce(input);
    return { value, changed: value !== input };
  },
} satisfies Normalizer;
