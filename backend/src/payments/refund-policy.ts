import type { Purchase } from './settlement/4-apply-payment-intent.ts';
import type { Refund } from './settlement/5-apply-refund.ts';

/** Refunds are self-service for this long after the purchase (docs/payments.md, "Refund policy"). */
export const REFUND_WINDOW_DAYS = 14;

export type RefundDecision = { ok: true } | { ok: false; reason: string };

/**
 * The refund policy for requests from the account pages: a completed purchase, within the
 * window, not refunded before, and with its credits still unspent (the wallet holds at least as
 * many credits as the purchase granted). Anything else goes to support, who can refund any
 * amount through the API. A pure function of the facts, so the page and its test agree.
 */
export function refundDecision(p: Purchase, refunds: Refund[], walletCredits: number, now: Date): RefundDecision {
  if (p.status !== 'succeeded') return { ok: false, reason: 'Only a completed purchase can be refunded.' };
  if (refunds.some((r) => r.status === 'pending' || r.status === 'succeeded'))
    return { ok: false, reason: 'A refund for this purchase was already requested.' };
  const ageDays = (now.getTime() - p.createdAt.getTime()) / 86_400_000;
  if (ageDays > REFUND_WINDOW_DAYS)
    return { ok: false, reason: `Purchases can be refunded within ${REFUND_WINDOW_DAYS} days; contact support.` };
  if (walletCredits < p.credits)
    return {
      ok: false,
      reason: `Some of these ${p.credits} credits were spent (your balance is ${walletCredits}), so a refund needs support.`,
    };
  return { ok: true };
}
