import { collapseWhitespace } from './collapse-whitespace.ts';
import { decodeHtmlEntities } from './html-entities.ts';
import { decodeJsEscapes } from './js-escapes.ts';
import { removeNulls } from './remove-nulls.ts';
import { unicodeFold } from './unicode-fold.ts';
import { urlDecodeOnce } from './url-decode.ts';

export { NORMALIZERS, resolveNormalizers } from './registry.ts';

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
  for (let pass = 0; pass < MAX_DECODE_PASSES; pass++) {
    const next = decodeJsEscapes(decodeHtmlEntities(urlDecodeOnce(v)));
    if (next === v) break;
    v = next;
  }
  v = removeNulls(v);
  return unicodeFold(v);
}

/** Derived views detectors share; computed once per value (see `viewsOf`). */
export interface ValueViews {
  /** `value.toLowerCase()`. */
  lower: string;
  /** Lower-cased, whitespace runs collapsed to one space, trimmed. */
  collapsed: string;
  /** Lower-cased with all whitespace and control characters removed (`jav\tascript:` → `javascript:`). */
  compact: string;
  /** Presence table of ASCII codes in the value: `has[59]` is 1 when `;` occurs. O(1) prefilters. */
  has: Uint8Array;
}

function presence(value: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 128) t[c] = 1;
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

let lastValue: string | null = null;
let lastViews: ValueViews | null = null;

/**
 * Views of a value, memoized for the last value seen: the engine runs every detector over one
 * target before moving on, so each view is built once per target however many detectors ask.
 * Views are built lazily so a detector that only needs `lower` does not pay for the others.
 */
export function viewsOf(value: string): ValueViews {
  if (lastValue === value && lastViews) return lastViews;
  let lower: string | null = null;
  let collapsed: string | null = null;
  let compact: string | null = null;
  let has: Uint8Array | null = null;
  const views: ValueViews = {
    get has() {
      return (has ??= presence(value));
    },
    get lower() {
      return (lower ??= value.toLowerCase());
    },
    get collapsed() {
      return (collapsed ??= collapseWhitespace(this.lower));
    },
    get compact() {
      return (compact ??= compactOf(this.lower));
    },
  };
  lastValue = value;
  lastViews = views;
  return views;
}
