/**
 * Unicode NFKC: full-width `＜ｓｃｒｉｐｔ＞` and compatibility forms become ASCII. Skipped for
 * pure-ASCII input (the common case), so the cost is one scan.
 */
/** One character class, no quantifier: a linear native scan (no backtracking possible). */
const NON_ASCII = /[^\x00-\x7f]/;
/**
 * Past this length the UTF-8 encoder answers instead: it copies ASCII with vector instructions,
 * several times faster than the regular expression's scan (an 8 KB essay: ~1 µs against ~10),
 * and an ASCII string is exactly as many bytes as code units. 3 bytes per code unit at most.
 */
const ENCODE_MIN = 256;
const ENCODE_MAX = 16_384;
const encoder = new TextEncoder();
const scratch = new Uint8Array(3 * ENCODE_MAX);

function scanNonAscii(s: string): boolean {
  if (s.length < ENCODE_MIN || s.length > ENCODE_MAX) return NON_ASCII.test(s);
  const { read, written } = encoder.encodeInto(s, scratch);
  return written !== read;
}

/** Recent answers, newest last: every target is normalized before any is inspected. */
const RECENT = 32;
const RECENT_MAX_LENGTH = 16_384;
const tested: string[] = [];
const answers: boolean[] = [];

/**
 * True when the text has a code point above 127. Remembers the last answers: the normalizer asks
 * about each raw value, then the presence table and the XSS detector ask again about the same
 * (usually unchanged) strings while the request is inspected.
 */
export function hasNonAscii(s: string): boolean {
  for (let i = tested.length - 1; i >= 0; i--) if (tested[i] === s) return answers[i];
  const r = scanNonAscii(s);
  if (s.length > RECENT_MAX_LENGTH) return r; // a Worker isolate must not keep megabytes of old bodies alive
  if (tested.length >= RECENT) {
    tested.shift();
    answers.shift();
  }
  tested.push(s);
  answers.push(r);
  return r;
}

export function unicodeFold(input: string): string {
  return hasNonAscii(input) ? input.normalize('NFKC') : input;
}
