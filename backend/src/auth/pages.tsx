import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { asc, eq } from 'drizzle-orm';
import type { AppDeps } from '../deps.ts';
import { passwordResets, scholarships, users } from '../db/schema/index.ts';
import type { MailTransport } from '../mail/index.ts';
import { authenticate, createStudent } from './accounts.ts';
import { sameOrigin } from './csrf.ts';
import { readForm, readFormFields, validateForm } from './form.ts';
import { REFRESH_COOKIE } from './middleware.ts';
import { safeReturnTo } from './return-to.ts';
import { sendSignupMail } from './signup-mail.ts';
import { renderPage, viewerOf } from '../pages/render.ts';
import { hashToken } from './opaque-token.ts';
import { confirmReset, requestReset } from './password-reset.ts';
import { revokeFamilyOf } from './refresh-tokens.ts';
import { LoginBody, OpaqueToken, ResetConfirmBody, ResetRequestBody, SignupBody } from './schemas.ts';
import { clearSessionCookies, setSessionCookies, startSession } from './session.ts';
import type { Role } from './tokens.ts';
import {
  LoginPage,
  LogoutPage,
  ResetConfirmPage,
  ResetInvalidPage,
  ResetRequestPage,
  SignupPage,
} from './pages-views.tsx';

/** Where each role lands after logging in. */
const HOME: Record<Role, string> = { student: '/scholarships', provider: '/provider', admin: '/ops' };

function render(c: Context, page: unknown, status: 200 | 400 | 401 | 409 = 200) {
  // Pages with forms (and possibly a reset token in the URL) must not be stored by caches.
  c.header('cache-control', 'no-store');
  return renderPage(c, page, status);
}

const LOGIN_NOTICES: Record<string, string> = {
  'reset=done': 'Your password was changed. Log in with the new one.',
  'signup=sent':
    'Thanks! We sent a mail to that address. If you just created your account, log in below; if you already had one, the mail tells you how to get back in.',
  'logout=done': 'You are logged out.',
};

/** Only what may be shown back to the user: never the password. */
const echo = (values: Record<string, string>) => ({ email: values.email ?? '', name: values.name ?? '' });

/** Server-rendered login, signup, password reset and provider pages; forms work without JavaScript. */
export function authPageRoutes(deps: AppDeps, mail: MailTransport) {
  const app = new Hono();
  const csrf = sameOrigin(deps.env.PUBLIC_URL);

  const loginPages = (path: '/login' | '/provider/login', roles: readonly Role[]) => {
    app.get(path, (c) => {
      const q = c.req.query();
      const notice = Object.entries(q)
        .map(([k, v]) => LOGIN_NOTICES[`${k}=${v}`])
        .find(Boolean);
      return render(c, <LoginPage action={path} notice={notice} next={safeReturnTo(q.next)} />);
    });
    app.post(path, csrf, async (c) => {
      const fields = await readFormFields(c);
      // Where to go afterwards rides along as a hidden field; only same-origin paths are followed.
      const next = safeReturnTo(fields.values.next);
      delete fields.values.next;
      const form = validateForm(fields, LoginBody);
      if (!form.ok)
        return render(
          c,
          <LoginPage
            action={path}
            next={next}
            values={echo(form.values)}
            errors={form.errors}
            message="Please check the fields below."
          />,
          400,
        );
      const account = await authenticate(deps.db, form.data.email, form.data.password, roles);
      if (!account)
        return render(
          c,
          <LoginPage
            action={path}
            next={next}
            values={{ email: form.data.email }}
            message="Email or password is wrong."
          />,
          401,
        );
      setSessionCookies(c, deps, await startSession(deps, account));
      deps.log.info({ request_id: c.get('requestId'), user_id: account.id, event: 'login' }, 'logged in (form)');
      return c.redirect(next ?? HOME[account.role], 303);
    });
  };
  loginPages('/login', ['student', 'provider', 'admin']);
  loginPages('/provider/login', ['provider']);

  app.get('/signup', (c) => render(c, <SignupPage />));
  app.post('/signup', csrf, async (c) => {
    const form = await readForm(c, SignupBody);
    if (!form.ok)
      return render(
        c,
        <SignupPage values={echo(form.values)} errors={form.errors} message="Please check the fields below." />,
        400,
      );
    const account = await createStudent(deps.db, form.data, deps.now());
    // One answer for new and registered emails (no session either way): the mail says which it was.
    await sendSignupMail(deps, mail, form.data.email, account ? 'welcome' : 'already-registered', c.get('requestId'));
    if (account)
      deps.log.info({ request_id: c.get('requestId'), user_id: account.id, event: 'signup' }, 'account created (form)');
    return c.redirect('/login?signup=sent', 303);
  });

  app.get('/reset-password', async (c) => {
    const raw = c.req.query('token');
    if (raw === undefined) return render(c, <ResetRequestPage />);
    // The token is in the URL: keep it out of Referer headers to other sites.
    c.header('referrer-policy', 'same-origin');
    const token = OpaqueToken.safeParse(raw);
    const [row] = token.success
      ? await deps.db
          .select()
          .from(passwordResets)
          .where(eq(passwordResets.tokenHash, hashToken(token.data)))
      : [];
    if (!token.success || !row || row.usedAt || row.expiresAt <= deps.now())
      return render(c, <ResetInvalidPage />, 400);
    return render(c, <ResetConfirmPage token={token.data} />);
  });
  app.post('/reset-password', csrf, async (c) => {
    const form = validateForm(await readFormFields(c), ResetRequestBody);
    if (!form.ok) return render(c, <ResetRequestPage values={echo(form.values)} errors={form.errors} />, 400);
    await requestReset(deps, mail, form.data.email, c.get('requestId'));
    return render(c, <ResetRequestPage sent />);
  });
  // Setting the new password has its own path, like its API twin (/api/auth/password-reset/confirm):
  // the gateway meters reset mails per account (the email in the body), and this form has no email.
  app.post('/reset-password/confirm', csrf, async (c) => {
    const fields = await readFormFields(c);
    c.header('referrer-policy', 'same-origin');
    const form = validateForm(fields, ResetConfirmBody);
    if (!form.ok) {
      if (form.errors.token) return render(c, <ResetInvalidPage />, 400);
      return render(c, <ResetConfirmPage token={fields.values.token} errors={form.errors} />, 400);
    }
    const done = await confirmReset(deps, form.data.token, form.data.password);
    if (!done) return render(c, <ResetInvalidPage />, 400);
    clearSessionCookies(c, deps);
    return c.redirect('/login?reset=done', 303);
  });

  // GET must not change state (links get prefetched), so /logout shows the button to press.
  app.get('/logout', (c) => render(c, <LogoutPage />));
  app.post('/logout', csrf, async (c) => {
    const refresh = getCookie(c, REFRESH_COOKIE);
    if (refresh) await revokeFamilyOf(deps.db, refresh, deps.now());
    clearSessionCookies(c, deps);
    return c.redirect('/', 303);
  });

  // The provider portal (/provider and its forms) lives in providers/portal-routes.tsx.

  return app;
}
