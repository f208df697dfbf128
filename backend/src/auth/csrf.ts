import type { MiddlewareHandler } from 'hono';
import { ProblemError } from '../http/problem.ts';

function originOf(value: string | undefined): string | undefined {
  if (!value || value === 'null') return undefined;
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/**
 * CSRF defence for the HTML forms (OWASP "verifying origin with standard headers"): a form POST
 * must carry an Origin (or, failing that, a Referer) of our own site: PUBLIC_URL, or the host the
 * gateway saw (X-Forwarded-Proto/Host, set by the gateway only, so `localhost` and `127.0.0.1`
 * both work locally). No header at all is refused: every current browser sends Origin on POST.
 * SameSite=Lax cookies already stop cross-site cookie use; this also stops login CSRF, which needs
 * no cookie. The JSON API needs no check: it requires `application/json`, which a cross-site form
 * cannot send without a CORS preflight.
 *
 * @example app.post('/login', sameOrigin(deps.env.PUBLIC_URL), handler)
 */
export function sameOrigin(publicUrl: string): MiddlewareHandler {
  const own = new URL(publicUrl).origin;
  return async function sameOrigin(c, next) {
    const proto = c.req.header('x-forwarded-proto');
    const host = c.req.header('x-forwarded-host');
    const seen = proto && host ? originOf(`${proto}://${host}`) : undefined;
    const claimed = originOf(c.req.header('origin')) ?? originOf(c.req.header('referer'));
    if (!claimed || (claimed !== own && claimed !== seen)) {
      throw new ProblemError('CSRF_REJECTED', 'Reload the page and send the form again');
    }
    await next();
  };
}
