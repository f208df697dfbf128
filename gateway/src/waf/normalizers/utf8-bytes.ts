/**
 * Decodes percent-decoded bytes as UTF-8 by hand (no TextDecoder: we want overlong 2-byte forms
 * like C0 AE to become the ASCII they encode, `.`, because old path decoders did exactly that and
 * traversal payloads rely on it). Bytes that are not valid UTF-8 become Latin-1 characters.
 */
export function decodeUtf8Bytes(bytes: readonly number[]): string {
  let out = '';
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    const b1 = i + 1 < n ? bytes[i + 1] : -1;
    const cont1 = b1 >= 0x80 && b1 < 0xc0;
    if ((b === 0xc0 || b === 0xc1) && cont1) {
      out += String.fromCharCode(((b & 0x1f) << 6) | (b1 & 0x3f));
      i += 2;
      continue;
    }
    if (b >= 0xc2 && b < 0xe0 && cont1) {
      out += String.fromCharCode(((b & 0x1f) << 6) | (b1 & 0x3f));
      i += 2;
      continue;
    }
    const b2 = i + 2 < n ? bytes[i + 2] : -1;
    const cont2 = b2 >= 0x80 && b2 < 0xc0;
    if (b >= 0xe0 && b < 0xf0 && cont1 && cont2) {
      out += String.fromCharCode(((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f));
      i += 3;
      continue;
    }
    const b3 = i + 3 < n ? bytes[i + 3] : -1;
    if (b >= 0xf0 && b < 0xf5 && cont1 && cont2 && b3 >= 0x80 && b3 < 0xc0) {
      const cp = ((b & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
      out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      i += 4;
      continue;
    }
    out += String.fromCharCode(b);
    i++;
  }
  return out;
}
