import type { AppDeps } from '../deps.ts';
import { isProduction } from '../env.ts';
import { createDevTransport } from './dev-transport.ts';
import { createSmtpTransport } from './smtp-transport.ts';
import type { MailTransport } from './transport.ts';

export type { MailTransport } from './transport.ts';

/** The sender address: MAIL_FROM, else no-reply at the public host. */
function mailFrom(env: AppDeps['env']): string {
  return env.MAIL_FROM ?? `no-reply@${new URL(env.PUBLIC_URL).hostname}`;
}

/** SMTP when SMTP_URL is set, else the dev mailbox. */
export function mailTransportFor(deps: AppDeps): MailTransport {
  return deps.env.SMTP_URL
    ? createSmtpTransport({ url: deps.env.SMTP_URL, from: mailFrom(deps.env) })
    : createDevTransport(deps.db);
}

/**
 * The dev mailbox reader is served only in development (never with APP_ENV or NODE_ENV production),
 * only without SMTP (mail goes to the table only then) and, unless DEV_MAILBOX says otherwise, only
 * when PUBLIC_URL is a loopback address: a deployed instance that forgot SMTP_URL must not publish
 * reset links to anyone who asks. Per request it also answers loopback clients only (routes file).
 */
export function devMailboxEnabled(env: AppDeps['env']): boolean {
  if (env.SMTP_URL || isProduction(env)) return false;
  if (env.DEV_MAILBOX) return env.DEV_MAILBOX === 'true';
  const host = new URL(env.PUBLIC_URL).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}
