import { type FieldFormat, formatRule, longerThan, tooLong } from './types.ts';

/** Characters RFC 3986 never allows in a URI: controls, space, `"<>\^`{|}`. */
const NOT_URI = /[\u0000-\u0020\u007f"<>\\^`{|}]/;

/**
 * An absolute `http:`/`https:` URL without credentials, as RFC 3986 spells it (no spaces, quotes
 * or angle brackets). URLs carry `'` and `--` (`/o'brien--notes`), so SQL inspection is removed;
 * every other family (XSS, SSRF, RFI, traversal) still applies.
 */
function checkUrl(raw: string, max: number): string | null {
  if (longerThan(raw, max)) return tooLong(max);
  if (NOT_URI.test(raw) || !/^https?:\/\//i.test(raw)) return MESSAGE;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return MESSAGE;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname || u.username || u.password) return MESSAGE;
  return null;
}

const MESSAGE = 'must be an absolute http(s) URL';

export const url = {
  name: 'url',
  rule: formatRule('url', 'A field declared as a URL holds something else'),
  compensates: ['sqli'],
  defaultMaxLength: 2048,
  check: (raw, opts) => checkUrl(raw, opts.maxLength),
} satisfies FieldFormat;
