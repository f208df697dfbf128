import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppDeps } from '../deps.ts';
import { ProblemError, problemResponse } from '../http/problem.ts';
import type { MailTransport } from '../mail/index.ts';
import { readJson } from '../http/validate.ts';
import { authenticate, createStudent } from './accounts.ts';
import { REFRESH_COOKIE } from './middleware.ts';
import { revokeFamilyOf, rotate } from './refresh-tokens.ts';
import { LoginBody, RefreshBody, SignupBody } from './schemas.ts';
import { sendSignupMail } from './signup-mail.ts';
import { clearSessionCookies, setSessionCookies, startSession, tokenResponse } from './session.ts';
import type { Role } from './tokens.ts';

/** Who may log in where: the student login also admits providers and admins (one account, one login). */
const ANY_ROLE: readonly Role[] = ['student', 'provider', 'admin'];
const PROVIDER_ONLY: readonly Role[] = ['provider'];

/** Public keys change rarely; five minutes lets the gateway pick up a rotation quickly. */
const JWKS_MAX_AGE_SECONDS = 300;

/** The signup answer for every address; the mail says whether an account was created. */
const SIGNUP_ACCEPTED =
  'We sent a mail to this address. If the account is new you can log in now; if it already existed, the mail says how to get back in.';

/** Token responses must never be cached (RFC 6749 §5.1). */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** The refresh token from a JSON body, else from the cookie (browsers). Empty bodies are allowed. */
async function presentedRefreshToken(c: Context): Promise<string | undefined> {
  // Content-Length 0 means no body whatever the Content-Type says; chunked bodies have no length.
  const length = c.req.header('content-length');
  const hasBody = length !== undefined ? Number(length) > 0 : c.req.header('content-type') !== undefined;
  const body = hasBody ? await readJson(c, RefreshBody) : {};
  return body.refresh_token ?? getCookie(c, REFRESH_COOKIE);
}

/** JSON endpoints of the auth domain (the forms live in pages.tsx). */
export function authApiRoutes(deps: AppDeps, mail: MailTransport) {
  const app = new Hono();

  app.get('/.well-known/jwks.json', (c) => {
    c.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    return c.json(deps.keys.jwks);
  });

  // One answer for new and registered emails (202, same body, no session either way, the password
  // hashed in both cases): the mail tells the mailbox's owner which it was, like the signup form.
  app.post('/api/auth/signup', async (c) => {
    const body = await readJson(c, SignupBody);
    const account = await createStudent(deps.db, body, deps.now());
    const requestId = c.get('requestId');
    await sendSignupMail(deps, mail, body.email, account ? 'welcome' : 'already-registered', requestId);
    if (account) deps.log.info({ request_id: requestId, user_id: account.id, event: 'signup' }, 'account created');
    return c.json({ status: 'accepted', detail: SIGNUP_ACCEPTED }, 202, NO_STORE);
  });

  const login = (roles: readonly Role[]) => async (c: Context) => {
    const body = await readJson(c, LoginBody);
    const account = await authenticate(deps.db, body.email, body.password, roles);
    if (!account) {
      deps.log.info({ request_id: c.get('requestId'), event: 'login_failed' }, 'login failed');
      throw new ProblemError('INVALID_CREDENTIALS');
    }
    const tokens = await startSession(deps, account);
    setSessionCookies(c, deps, tokens);
    deps.log.info({ request_id: c.get('requestId'), user_id: account.id, event: 'login' }, 'logged in');
    return c.json(tokens, 200, NO_STORE);
  };
  app.post('/api/auth/login', login(ANY_ROLE));
  app.post('/api/provider/login', login(PROVIDER_ONLY));

  app.post('/api/auth/refresh', async (c) => {
    const token = await presentedRefreshToken(c);
    if (!token)
      throw new ProblemError('VALIDATION_FAILED', 'Send refresh_token in the body or the refresh cookie', [
        { path: 'refresh_token', message: 'is required' },
      ]);
    const result = await rotate(deps.db, token, deps.now());
    if (result.kind !== 'rotated') {
      if (result.kind === 'reuse') {
        deps.log.warn(
          {
            request_id: c.get('requestId'),
            user_id: result.userId,
            family_id: result.familyId,
            event: 'refresh_reuse',
          },
          'rotated refresh token presented again; family revoked',
        );
      }
      clearSessionCookies(c, deps);
      const res = problemResponse(c, 'INVALID_TOKEN', {
        detail: 'The refresh token is invalid, expired or revoked; log in again',
      });
      for (const cookie of c.res.headers.getSetCookie()) res.headers.append('set-cookie', cookie);
      return res;
    }
    const tokens = await tokenResponse(deps, result.user, result.refresh);
    setSessionCookies(c, deps, tokens);
    return c.json(tokens, 200, NO_STORE);
  });

  app.post('/api/auth/logout', async (c) => {
    const token = await presentedRefreshToken(c);
    if (token) await revokeFamilyOf(deps.db, token, deps.now());
    clearSessionCookies(c, deps);
    return c.body(null, 204);
  });

  return app;
}
