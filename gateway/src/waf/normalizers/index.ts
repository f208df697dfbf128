import { collapseWhitespace } from './collapse-whitespace.ts';
import { decodeHtmlEntities } from './html-entities.ts';
import { decodeJsEscapes } from './js-escapes.ts';
import { removeNulls } from './remove-nulls.ts';
import { hasNonAscii, unicodeFold } from './unicode-fold.ts';
import { urlDecodeOnce } from './url-decode.ts';

/**
 * Decoding passes before we stop: three covers double and triple encoding (`%25252e`) that real
 * attacks use, while keeping the work a small constant times the input length.
 */
export const MAX_DECODE_PASSES = 3;

/**
 * The default bounded chain the engine applies to every target value: Unicode fold, then up to
 * MAX_DECODE_PASSES rounds of URL (`%XX`, `%uXXXX`), HTML entity and JS escape decoding (stopping
 * as soon as a round changes nothing), then NUL removal. Output is never longer than the input
 * (every decoder shrinks or keeps its input), so detectors see at most the inspected size.
 * @example normalizeValue('%253Cscript%253E') // '<script>'
 */
export function normalizeValue(raw: string): string {
  let v = unicodeFold(raw);
  let decoded = false;
  for (let pass = 0; pass < MAX_DECODE_PASSES; pass++) {
    const next = decodeJsEscapes(decodeHtmlEntities(urlDecodeOnce(v)));
    if (next === v) break;
    v = next;
    decoded = true;
  }
  v = removeNulls(v);
  // Folding is idempotent: only text that decoding produced can need it again.
  return decoded ? unicodeFold(v) : v;
}

/** Derived views detectors share; computed once per value (see `viewsOf`). */
export interface ValueViews {
  /** `value.toLowerCase()`. */
  lower: string;
  /** Lower-cased, whitespace runs collapsed to one space, trimmed. */
  collapsed: string;
  /** Lower-cased with all whitespace and control characters removed (`jav\tascript:` → `javascript:`). */
  compact: string;
  /**
   * Presence table of ASCII codes in the value: `has[59]` is 1 when `;` occurs. O(1) prefilters.
   * Exact for every code but letters and rare C0 controls, which values over 1,024 characters report present.
   * Past 127 it holds shape facts prose rarely has: `has[TIGHT_DOT]`, `has[LOOSE_QUOTE]`, `has[HIGH]`.
   */
  has: Uint8Array;
}

/** `has[TIGHT_DOT]`: a `.` followed by a non-space (`java.lang`, `../`, `3.9`); prose ends sentences with `. `. */
export const TIGHT_DOT = 128;
/** `has[LOOSE_QUOTE]`: a `'` not between two letters (`O'Brien`, `library's` are tight; `'or`, `x' ` loose). */
export const LOOSE_QUOTE = 129;
/** `has[HIGH]`: a code point above 127. */
export const HIGH = 130;

const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const ASCII = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));
/** Letters, and C0 controls other than NUL, tab, LF, VT, FF, CR (plus DEL). */
const unscanned = (c: number) => isLetter(c) || (c >= 1 && c <= 8) || (c >= 14 && c <= 31) || c === 127;
const UNSCANNED = Array.from({ length: 128 }, (_, c) => c).filter(unscanned);
const SCANNED = Array.from({ length: 128 }, (_, c) => c).filter((c) => !unscanned(c));
/** Past this length one native `indexOf` per ASCII code (a vectorised scan) beats a JS loop. */
const LOOP_MAX = 1024;

/** Every entry set: each presence prefilter passes (see `bypassPrefilters`). */
const ALL_PRESENT = new Uint8Array(131).fill(1);
let bypass = false;

/**
 * Test hook: with `true`, every value reports every character and shape fact as present, so each
 * detector takes its full path. Tests compare the two paths to prove the prefilters hide nothing.
 */
export function bypassPrefilters(on: boolean): void {
  bypass = on;
  lastValue = null;
}

/**
 * The one table `presence` fills: valid until views of another value are asked for, which the
 * engine only does after every detector has finished with the current target.
 */
const TABLE = new Uint8Array(131);

function presence(value: string): Uint8Array {
  if (bypass) return ALL_PRESENT;
  const t = TABLE;
  t.fill(0);
  const n = value.length;
  if (n <= LOOP_MAX) {
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c < 128) t[c] = 1;
      else t[HIGH] = 1;
    }
  } else {
    // Letters and the rare controls are reported present unasked (a long value has most letters,
    // no prefilter reads a rare control, and prefilters only ever skip work on absent characters);
    // everything else is one native scan per code.
    for (const c of SCANNED) if (value.indexOf(ASCII[c]) >= 0) t[c] = 1;
    for (const c of UNSCANNED) t[c] = 1;
    if (hasNonAscii(value)) t[HIGH] = 1;
  }
  if (t[46]) {
    for (let k = value.indexOf('.'); k >= 0; k = value.indexOf('.', k + 1)) {
      const next = k + 1 < n ? value.charCodeAt(k + 1) : 32;
      if (next > 32 && next !== 160) {
        t[TIGHT_DOT] = 1;
        break;
      }
    }
  }
  if (t[39]) {
    for (let k = value.indexOf("'"); k >= 0; k = value.indexOf("'", k + 1)) {
      if (!(k > 0 && k + 1 < n && isLetter(value.charCodeAt(k - 1)) && isLetter(value.charCodeAt(k + 1)))) {
        t[LOOSE_QUOTE] = 1;
        break;
      }
    }
  }
  return t;
}

/** True when any character of `chars` occurs in the value (per the presence table). */
export function hasAny(has: Uint8Array, chars: string): boolean {
  for (let i = 0; i < chars.length; i++) if (has[chars.charCodeAt(i)]) return true;
  return false;
}

/** Characters the compact view drops: whitespace and C0 controls, which browsers ignore in schemes. */
function compactOf(lower: string): string {
  let out = '';
  const n = lower.length;
  let i = 0;
  const drop = (c: number) => c <= 32 || c === 127 || c === 160;
  while (i < n) {
    while (i < n && drop(lower.charCodeAt(i))) i++;
    let j = i;
    while (j < n && !drop(lower.charCodeAt(j))) j++;
    out += lower.slice(i, j);
    i = j;
  }
  return out;
}

/** Lazy views of one value: each is built on first use (a detector needing `lower` pays for no other). */
class LazyViews implements ValueViews {
  private _lower: string | null = null;
  private _collapsed: string | null = null;
  private _compact: string | null = null;
  private _has: Uint8Array | null = null;
  constructor(private readonly value: string) {}
  get has(): Uint8Array {
    return (this._has ??= presence(this.value));
  }
  get lower(): string {
    return (this._lower ??= this.value.toLowerCase());
  }
  get collapsed(): string {
    return (this._collapsed ??= collapseWhitespace(this.lower));
  }
  get compact(): string {
    return (this._compact ??= compactOf(this.lower));
  }
}

let lastValue: string | null = null;
let lastViews: ValueViews | null = null;

/**
 * Views of a value, memoized for the last value seen: the engine runs every detector over one
 * target before moving on, so each view is built once per target however many detectors ask.
 */
export function viewsOf(value: string): ValueViews {
  if (lastValue === value && lastViews) return lastViews;
  lastValue = value;
  return (lastViews = new LazyViews(value));
}
