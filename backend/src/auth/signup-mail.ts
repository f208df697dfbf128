import type { AppDeps } from '../deps.ts';
import type { MailTransport } from '../mail/index.ts';

/**
 * The signup form answers the same whether or not the email is registered (login and reset do not
 * tell either); the difference goes to the mailbox's owner only: a welcome for a new account, a
 * "you already have an account" note with a reset link for an existing one.
 */
export async function sendSignupMail(
  deps: AppDeps,
  mail: MailTransport,
  to: string,
  kind: 'welcome' | 'already-registered',
  requestId: string,
): Promise<void> {
  const site = deps.env.PUBLIC_URL.replace(/\/$/, '');
  const text =
    kind === 'welcome'
      ? [
          'Welcome to Gatehouse Scholarships.',
          '',
          `Your student account is ready. Log in and fill in your profile to see what you qualify for: ${site}/login?next=%2Faccount`,
        ].join('\n')
      : [
          'Someone (probably you) tried to create a Gatehouse account with this email address, but you already have one.',
          '',
          `Log in: ${site}/login`,
          `Forgot your password? Choose a new one: ${site}/reset-password`,
          '',
          'If this was not you, you can ignore this mail: nothing has changed.',
        ].join('\n');
  const subject = kind === 'welcome' ? 'Welcome to Gatehouse' : 'You already have a Gatehouse account';
  const delivery = mail
    .send({ to, subject, text })
    .catch((e: Error) => deps.log.error({ request_id: requestId, err: { message: e.message } }, 'signup mail failed'));
  // Remote transports are not awaited, so their latency cannot tell the two cases apart either.
  if (mail.local) await delivery;
}
