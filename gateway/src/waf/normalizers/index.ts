import { decodeHtmlEntities } from './html-entities.ts';
import { decodeJsEscapes } from './js-escapes.ts';
import { removeNulls } from './remove-nulls.ts';
import { unicodeFold } from './unicode-fold.ts';
import { urlDecodeOnce } from './url-decode.ts';

/**
 * Decoding passes before we stop: three covers double and triple encoding (`%25252e`) that real
 * attacks use, while keeping the work a small constant times the input length.
 * @internal exported for its tests
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
