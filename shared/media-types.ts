/**
 * The body types the backend reads, tested on a `Content-Type` header value: JSON (`application/json`
 * or a `+json` type, any parameters) for the API, urlencoded forms for the pages. The gateway reads a
 * login's account with the same tests, so both sides agree on which bodies carry one.
 */
export function isJsonContentType(contentType: string | null | undefined): boolean {
  return /^application\/([\w.+-]+\+)?json\b/i.test(contentType ?? '');
}

export function isFormContentType(contentType: string | null | undefined): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(contentType ?? '');
}
