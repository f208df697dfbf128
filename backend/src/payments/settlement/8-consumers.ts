import { eq } from 'drizzle-orm';
import { mailbox, users } from '../../db/schema/users.ts';
import type { Logger } from '../../logger.ts';
import type { OutboxConsumer } from './7-outbox-relay.ts';

const usd = (cents: unknown) => `$${(Number(cents) / 100).toFixed(2)}`;

/**
 * Receipt mail for purchases and refunds, written to the dev mailbox table (the mail transport
 * used when SMTP_URL is unset). Once per message thanks to the relay's dedupe row.
 */
export const receiptMailer: OutboxConsumer = {
  name: 'receipt-mailer',
  topics: ['receipt.mail', 'refund.processed'],
  async handle(tx, msg) {
    const p = msg.payload;
    const [u] = await tx
      .select({ email: users.email })
      .from(users)
      .where(eq(users.id, String(p.user_id)));
    if (!u) return;
    const refund = msg.topic === 'refund.processed';
    await tx.insert(mailbox).values({
      toAddress: u.email,
      subject: refund ? 'Your Gatehouse refund' : 'Your Gatehouse credits receipt',
      body: refund
        ? `We refunded ${usd(p.amount_cents)} of purchase ${p.purchase_id}; ${p.credits_revoked} credits were taken back. (message ${msg.id})`
        : `Thank you! ${p.credits} credits were added for ${usd(p.amount_cents)} (purchase ${p.purchase_id}). (message ${msg.id})`,
    });
  },
};

/** Audit trail of credit movements in the log (one line per message id). */
export function creditAuditLog(log: Logger): OutboxConsumer {
  return {
    name: 'credit-audit-log',
    topics: ['credits.granted', 'credits.revoked'],
    async handle(_tx, msg) {
      log.info(
        {
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
