import type { Child } from 'hono/jsx';
import { Layout } from '../pages/layout.tsx';
import type { FormErrors } from './form.ts';
import { PASSWORD_MAX, PASSWORD_MIN, NAME_MAX, EMAIL_MAX } from './schemas.ts';

/**
 * Views of the auth pages. Plain HTML forms (no JavaScript needed); errors are shown inline next
 * to their field; a password is never written back into the page.
 */

function FieldError(props: { message?: string; id: string }) {
  return props.message ? (
    <small class="error" id={props.id}>
      {props.message}
    </small>
  ) : null;
}

function Summary(props: { message?: string }) {
  return props.message ? (
    <p class="error" role="alert">
      {props.message}
    </p>
  ) : null;
}

function EmailField(props: { value?: string; error?: string }) {
  return (
    <label>
      Email
      <input
        type="email"
        name="email"
        required
        maxlength={EMAIL_MAX}
        autocomplete="email"
        value={props.value ?? ''}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? 'email-error' : undefined}
      />
      <FieldError id="email-error" message={props.error ? `Email ${props.error}` : undefined} />
    </label>
  );
}

function PasswordField(props: { error?: string; label?: string; isNew?: boolean }) {
  return (
    <label>
      {props.label ?? 'Password'}
      <input
        type="password"
        name="password"
        required
        maxlength={PASSWORD_MAX}
        minlength={props.isNew ? PASSWORD_MIN : undefined}
        autocomplete={props.isNew ? 'new-password' : 'current-password'}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? 'password-error' : undefined}
      />
      {props.isNew ? (
        <small class="muted">{`${PASSWORD_MIN} to ${PASSWORD_MAX} characters; any characters are fine.`}</small>
      ) : null}
      <FieldError id="password-error" message={props.error ? `Password ${props.error}` : undefined} />
    </label>
  );
}

export interface FormView {
  values?: Record<string, string>;
  errors?: FormErrors;
  /** A message about the whole form (wrong credentials, CSRF, …). */
  message?: string;
  notice?: string;
}

function Page(props: { title: string; children: Child }) {
  return (
    <Layout title={props.title} head={<meta name="robots" content="noindex" />}>
      {props.children}
    </Layout>
  );
}

export function LoginPage(props: FormView & { action: '/login' | '/provider/login'; next?: string }) {
  const provider = props.action === '/provider/login';
  return (
    <Page title={provider ? 'Provider log in' : 'Log in'}>
      <h1>{provider ? 'Log in to the provider portal' : 'Log in'}</h1>
      {props.notice ? (
        <p class="ok" role="status">
          {props.notice}
        </p>
      ) : null}
      <Summary message={props.message} />
      <form class="stack card" method="post" action={props.action}>
        {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
        <EmailField value={props.values?.email} error={props.errors?.email} />
        <PasswordField error={props.errors?.password} />
        <button type="submit">Log in</button>
      </form>
      <p>
        <a href="/reset-password">Forgot your password?</a>
        {provider ? null : (
          <>
            {' '}
            · New here? <a href="/signup">Create an account</a>
          </>
        )}
      </p>
    </Page>
  );
}

export function SignupPage(props: FormView) {
  const nameError = props.errors?.name;
  return (
    <Page title="Sign up">
      <h1>Create your student account</h1>
      <Summary message={props.message} />
      <form class="stack card" method="post" action="/signup">
        <label>
          Name
          <input
            type="text"
            name="name"
            required
            maxlength={NAME_MAX}
            autocomplete="name"
            value={props.values?.name ?? ''}
            aria-invalid={nameError ? 'true' : undefined}
            aria-describedby={nameError ? 'name-error' : undefined}
          />
          <FieldError id="name-error" message={nameError ? `Name ${nameError}` : undefined} />
        </label>
        <EmailField value={props.values?.email} error={props.errors?.email} />
        <PasswordField error={props.errors?.password} isNew />
        <button type="submit">Sign up</button>
      </form>
      <p>
        Already registered? <a href="/login">Log in</a>
      </p>
    </Page>
  );
}

export function ResetRequestPage(props: FormView & { sent?: boolean }) {
  return (
    <Page title="Reset your password">
      <h1>Reset your password</h1>
      {props.sent ? (
        <p class="ok" role="status">
          If an account exists for that address, we sent it a link. It works once, for 30 minutes.
        </p>
      ) : null}
      <Summary message={props.message} />
      <form class="stack card" method="post" action="/reset-password">
        <EmailField value={props.values?.email} error={props.errors?.email} />
        <button type="submit">Send me a reset link</button>
      </form>
    </Page>
  );
}

export function ResetConfirmPage(props: FormView & { token: string }) {
  return (
    <Page title="Choose a new password">
      <h1>Choose a new password</h1>
      <Summary message={props.message} />
      <form class="stack card" method="post" action="/reset-password/confirm">
        <input type="hidden" name="token" value={props.token} />
        <PasswordField error={props.errors?.password} label="New password" isNew />
        <button type="submit">Set password</button>
      </form>
    </Page>
  );
}

export function ResetInvalidPage() {
  return (
    <Page title="Reset link not valid">
      <h1>This reset link does not work</h1>
      <p class="error">It is invalid, was already used, or is older than 30 minutes.</p>
      <p>
        <a href="/reset-password">Ask for a new link</a>
      </p>
    </Page>
  );
}

/** GET /logout: logging out changes state, so it takes a button press (a POST with CSRF defence). */
export function LogoutPage() {
  return (
    <Page title="Log out">
      <h1>Log out</h1>
      <p>Log out of Gatehouse on this browser?</p>
      <form method="post" action="/logout">
        <button type="submit">Log out</button>
      </form>
      <p>
        <a href="/">Back to the home page</a>
      </p>
    </Page>
  );
}
