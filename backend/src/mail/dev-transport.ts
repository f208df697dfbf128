import type { Db } from '../db/client.ts';
import { mailbox } from '../db/schema/index.ts';
import { assertHeaderSafe, type Mail, type MailTransport } from './transport.ts';

/** The first link of a mail body: what a developer wants to click. Linear scan, no backtracking. */
function firstLink(text: string): string | undefined {
  const start = text.search(/https?:\/\//);
  if (start < 0) return undefined;
  const end = text.slice(start).search(/\s/);
  return end < 0 ? text.slice(start) : text.slice(start, start + end);
}

/**
 * Development transport (SMTP_URL unset): stores every mail in the `mailbox` table, read by
 * `GET /api/dev/mailbox`, and prints one console line with its link. That console line is meant
 * for the developer at the terminal; it goes to stdout directly, never through the JSON logger.
 */
export function createDevTransport(db: Db, print: (line: string) => void = (line) => console.log(line)): MailTransport {
  return {
    kind: 'dev',
    local: true,
    async send(mail: Mail) {
      assertHeaderSafe(mail.to, 'to');
      assertHeaderSafe(mail.subject, 'subject');
      await db.insert(mailbox).values({ toAddress: mail.to, subject: mail.subject, body: mail.text });
      const link = firstLink(mail.text);
      print(`mail (dev) to ${mail.to}: ${mail.subject}${link ? ` → ${link}` : ''}`);
    },
  };
}
