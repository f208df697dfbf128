import type Stripe from 'stripe';

/**
 * Stripe's default: an event signed more than 5 minutes ago is refused, which bounds replays of a
 * captured delivery while leaving room for clock skew and queueing.
 */
const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The verified event, or null for a bad signature, a wrong secret or a timestamp outside tolerance. */
export async function verifyStripeEvent(
  stripe: Stripe,
  rawBody: string,
  signature: string | undefined,
  secret: string,
): Promise<Stripe.Event | null> {
  if (!signature) return null;
  try {
    return await stripe.webhooks.constructEventAsync(rawBody, signature, secret, WEBHOOK_TOLERANCE_SECONDS);
  } catch {
    return null;
  }
}
