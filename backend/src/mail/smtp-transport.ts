import { sendSmtp } from './smtp-client.ts';
import { assertHeaderSafe, type Mail, type MailTransport } from './transport.ts';

/** RFC 2047 encoded-word for a non-ASCII subject; ASCII stays readable. */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}

/**
 * RFC 5322 message with a base64 UTF-8 body (7-bit clean for any relay, lines of 76).
 * @internal exported for its tests
 */
export function buildMessage(from: string, mail: Mail, now = new Date()): string {
  for (const [k, v] of [
    ['from', from],
    ['to', mail.to],
    ['subject', mail.subject],
  ])
    assertHeaderSafe(v, k);
  const domain = from.split('@')[1] ?? 'localhost';
  const body = Buffer.from(mail.text.replace(/\r?\n/g, '\r\n')).toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    `From: ${from}`,
    `To: ${mail.to}`,
    `Subject: ${encodeHeader(mail.subject)}`,
    `Date: ${now.toUTCString()}`,
    `Message-ID: <${crypto.randomUUID()}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
  ].join('\r\n');
}

/** Production transport (SMTP_URL set): hands each mail to the configured relay. */
export function createSmtpTransport(opts: { url: string; from: string }): MailTransport {
  const url = new URL(opts.url);
  return {
    kind: 'smtp',
    local: false,
    send: (mail) => sendSmtp({ url, from: opts.from }, { to: mail.to, data: buildMessage(opts.from, mail) }),
  };
}
