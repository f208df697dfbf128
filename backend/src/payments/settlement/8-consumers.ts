import { eq } from 'drizzle-orm';
import { mailbox, users } from '../../db/schema/users.ts';
import type { Logger } from '../../logger.ts';
import type { OutboxConsumer } from './7-outbox-relay.ts';
import type { MailTransport } from '../../mail/transport.ts';

const usd = (cents: unknown) => `$${(Number(cents) / 100).toFixed(2)}`;

/** The receipt's text: what was bought or refunded, and where to see it. */
function receiptMail(topic: string, p: Record<string, unknown>, messageId: string, publicUrl: string) {
  const refund = topic === 'refund.processed';
  const link = `${publicUrl}/account/credits/purchases/${p.purchase_id}`;
  return {
    subject: refund ? 'Your Gatehouse refund' : 'Your Gatehouse credits receipt',
    text: refund
      ? `We refunded ${usd(p.amount_cents)} of purchase ${p.purchase_id}; ${p.credits_revoked} credits were taken back.\n\nReceipt: ${link}\n(message ${messageId})`
      : `Thank you! ${p.credits} credits were added for ${usd(p.amount_cents)} (purchase ${p.purchase_id}).\n\nReceipt: ${link}\n(message ${messageId})`,
  };
}

/**
 * Receipt mail for purchases and refunds, through the configured mail transport: SMTP when
 * SMTP_URL is set, else the dev mailbox table (written in the relay's transaction). Once per
 * message thanks to the relay's dedupe row; with SMTP the send happens before that row commits, so
 * a crash in between may send a receipt twice, never zero times (at least once, like any mail).
 */
export function receiptMailer(opts: { mail: MailTransport; publicUrl: string }): OutboxConsumer {
  return {
    name: 'receipt-mailer',
    topics: ['receipt.mail', 'refund.processed'],
    // The dev mailbox is a row in the relay's transaction; an SMTP send cannot be rolled back, so a
    // failed round must not send the others' receipts again: one transaction per message then.
    batch: opts.mail.kind !== 'smtp',
    async handle(tx, msg) {
      const p = msg.payload;
      const [u] = await tx
        .select({ email: users.email })
        .from(users)
        .where(eq(users.id, String(p.user_id)));
      if (!u) return;
      const mail = receiptMail(msg.topic, p, msg.id, opts.publicUrl);
      if (opts.mail.kind === 'smtp') {
        await opts.mail.send({ to: u.email, subject: mail.subject, text: mail.text });
        return;
      }
      await tx.insert(mailbox).values({ toAddress: u.email, subject: mail.subject, body: mail.text });
    },
  };
}

/** Audit trail of credit movements in the log (one line per message id). */
export function creditAuditLog(log: Logger): OutboxConsumer {
  return {
    name: 'credit-audit-log',
    topics: ['credits.granted', 'credits.revoked'],
    // Its handler only logs and cannot fail; a round's transaction fails only with the database.
    batch: true,
    async handle(_tx, msg) {
      log.info(
        {
          request_id: msg.request_id,
          outbox_message_id: msg.id,
          topic: msg.topic,
          purchase_id: msg.payload.purchase_id,
          credits: msg.payload.credits,
        },
        'credits movement',
      );
    },
  };
}
