import { collapseWhitespace } from './normalizers/collapse-whitespace.ts';
import { hasNonAscii } from './normalizers/unicode-fold.ts';
import type { ValueViews } from './types.ts';

/**
 * The derived views of one target value (lower-cased, collapsed, compact, presence table). The
 * engine points one `ReusableViews` per inspection at each target in turn and passes it to every
 * detector, so each view is computed at most once per value however many detectors read it. Only
 * its owner moves it to another value; anyone else asking for views (tests, tools) gets their own
 * object from `valueViews`, so no caller can change the views a detector is reading.
 */

/** `has[TIGHT_DOT]`: a `.` followed by a non-space (`java.lang`, `../`, `3.9`); prose ends sentences with `. `. */
export const TIGHT_DOT = 128;
/** `has[LOOSE_QUOTE]`: a `'` not between two letters (`O'Brien`, `library's` are tight; `'or`, `x' ` loose). */
export const LOOSE_QUOTE = 129;
/** `has[HIGH]`: a code point above 127. */
export const HIGH = 130;
/** Entries in a presence table: the 128 ASCII codes and the three shape facts above. */
const PRESENCE_SIZE = 131;

const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const ASCII = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));
/** Letters, and C0 controls other than NUL, tab, LF, VT, FF, CR (plus DEL). */
const unscanned = (c: number) => isLetter(c) || (c >= 1 && c <= 8) || (c >= 14 && c <= 31) || c === 127;
const UNSCANNED = Array.from({ length: 128 }, (_, c) => c).filter(unscanned);
const SCANNED = Array.from({ length: 128 }, (_, c) => c).filter((c) => !unscanned(c));
/** Past this length one native `indexOf` per ASCII code (a vectorised scan) beats a JS loop. */
const LOOP_MAX = 1024;

/**
 * Fills `t` with the presence table of `value` (see `ValueViews.has`) and returns it.
 * @example presence('a;b', new Uint8Array(PRESENCE_SIZE))[59] // 1
 */
function presence(value: string, t: Uint8Array): Uint8Array {
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
const drop = (c: number) => c <= 32 || c === 127 || c === 160;

function compactOf(lower: string): string {
  let out = '';
  const n = lower.length;
  let i = 0;
  while (i < n) {
    while (i < n && drop(lower.charCodeAt(i))) i++;
    let j = i;
    while (j < n && !drop(lower.charCodeAt(j))) j++;
    out += lower.slice(i, j);
    i = j;
  }
  return out;
}

/**
 * Lazy views of one value at a time: each is built on first read (a detector needing `lower` pays
 * for no other), and `of` points the object at the next value. The presence table is allocated once
 * per object and refilled per value: a typed array costs a few thousand instructions to allocate,
 * more than filling one, and the engine inspects many values per request.
 */
export class ReusableViews implements ValueViews {
  private value = '';
  private _lower: string | null = null;
  private _collapsed: string | null = null;
  private _compact: string | null = null;
  private table: Uint8Array | null = null;
  /** The table holds the current value's presence (false until first read after `of`). */
  private tableCurrent = false;
  /** Views of `value` from now on; what was built for the previous value is dropped. */
  of(value: string): this {
    this.value = value;
    this._lower = this._collapsed = this._compact = null;
    this.tableCurrent = false;
    return this;
  }
  get has(): Uint8Array {
    if (!this.tableCurrent || !this.table) {
      this.table = presence(this.value, this.table ?? new Uint8Array(PRESENCE_SIZE));
      this.tableCurrent = true;
    }
    return this.table;
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

/**
 * Views of `value` in an object of their own, built lazily on first read: for callers that drive a
 * detector directly (tests, tools). The engine reuses one `ReusableViews` per inspection instead.
 * @example valueViews('Jav\tA Script:').compact // 'javascript:'
 * @internal exported for its tests
 */
export function valueViews(value: string): ValueViews {
  return new ReusableViews().of(value);
}
