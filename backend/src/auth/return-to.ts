/** A return-to path longer than this is not one of our pages. */
const MAX_RETURN_TO = 512;
const BASE = 'http://gatehouse.invalid';

/**
 * The page to return to after logging in, or undefined when `next` is not a same-origin relative
 * path. Guards against open redirects: `//evil.example`, `/\evil.example` (browsers read `\` as `/`),
 * `https://…`, control characters, and anything a URL parser resolves off our origin.
 *
 * @example safeReturnTo('/scholarships/x?y=1') // '/scholarships/x?y=1'; safeReturnTo('//evil') // undefined
 */
export function safeReturnTo(next: string | undefined | null): string | undefined {
  if (!next || next.length > MAX_RETURN_TO || !next.startsWith('/')) return undefined;
  if (next.startsWith('//') || next.includes('\\') || /[\u0000-\u001f\u007f]/.test(next)) return undefined;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return undefined;
  }
  if (url.origin !== BASE) return undefined;
  // Never bounce back to the auth forms themselves.
  if (/^\/(login|signup|logout|provider\/login|reset-password(\/confirm)?)\/?$/.test(url.pathname)) return undefined;
  return url.pathname + url.search + url.hash;
}

/** `/login?next=…` for a page, or plain `/login` when the page is not worth returning to. */
export function loginHref(here: string, path = '/login'): string {
  const next = safeReturnTo(here);
  return next && next !== '/' ? `${path}?next=${encodeURIComponent(next)}` : path;
}
