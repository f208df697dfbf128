import { createHmac } from 'node:crypto';

/**
 * Stripe's webhook signature: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.payload")>`,
 * the scheme `stripe.webhooks.generateTestHeaderString` produces and `constructEventAsync` checks.
 */
export function stripeSignature(
  payload: string,
  secret: string,
  timestampSeconds = Math.floor(Date.now() / 1000),
): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.${payload}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}

/** How the simulator hands a signed event to its receiver; tests may wrap it (e.g. add a gateway signature). */
export type Deliver = (url: string, body: string, headers: Record<string, string>) => Promise<{ status: number }>;

export const fetchDeliver: Deliver = async (url, body, headers) => {
  const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer().catch(() => {});
  return { status: res.status };
};

/** Delivery retries: Stripe retries for days with backoff; the simulator compresses that into seconds. */
export const WEBHOOK_MAX_ATTEMPTS = 12;
export function webhookBackoffMs(attempt: number): number {
  return Math.min(200 * 2 ** attempt, 5_000);
}
