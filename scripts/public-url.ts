/**
 * The address users reach the product at, for `npm start`: PUBLIC_URL when given (a proxy or domain
 * in front), else the gateway's own address. Without this the backend would default to
 * 127.0.0.1:8787 and put that in reset mails, canonical URLs, the sitemap and the CSRF origin check
 * even when GATEWAY_PORT moved the gateway elsewhere.
 *
 * @example publicUrlFor({ GATEWAY_PORT: '9000' }) // 'http://127.0.0.1:9000'
 */
export function publicUrlFor(env: Record<string, string | undefined>, host = '127.0.0.1'): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL;
  return `http://${host}:${Number(env.GATEWAY_PORT ?? 8787)}`;
}
