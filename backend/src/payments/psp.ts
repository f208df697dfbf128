import http from 'node:http';
import https from 'node:https';
import Stripe from 'stripe';
import type { Env } from '../env.ts';

/**
 * SDK-level retries of one PSP call. Safe because every POST carries our own idempotency key
 * (never the SDK's random one), so a retry after a lost response is answered by Stripe's replay.
 */
const PSP_NETWORK_RETRIES = 1;
/** A PSP call slower than this fails the request (recovery finishes it): well above Stripe's p99. */
const PSP_TIMEOUT_MS = 20_000;

/**
 * The Stripe SDK configured from env; `STRIPE_API_BASE` (e.g. the simulator on
 * http://127.0.0.1:12111) is split into the constructor's host/port/protocol options.
 * Null when STRIPE_SECRET_KEY is unset: payment endpoints then answer 503.
 */
export function createStripe(env: Pick<Env, 'STRIPE_SECRET_KEY' | 'STRIPE_API_BASE'>): Stripe | null {
  if (!env.STRIPE_SECRET_KEY) return null;
  const config: Stripe.StripeConfig = {
    maxNetworkRetries: PSP_NETWORK_RETRIES,
    timeout: PSP_TIMEOUT_MS,
    telemetry: false,
  };
  if (env.STRIPE_API_BASE) {
    const u = new URL(env.STRIPE_API_BASE);
    const protocol = u.protocol === 'http:' ? 'http' : 'https';
    config.host = u.hostname;
    config.port = Number(u.port || (protocol === 'http' ? 80 : 443));
    config.protocol = protocol;
    config.httpAgent = protocol === 'http' ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true });
  }
  return new Stripe(env.STRIPE_SECRET_KEY, config);
}

const cache = new WeakMap<object, Stripe | null>();
/** One SDK instance per env object (so per app instance). */
export function stripeFor(env: Env): Stripe | null {
  if (!cache.has(env)) cache.set(env, createStripe(env));
  return cache.get(env)!;
}

/** Our key for Stripe, derived from our stored record: a replayed phase sends the same one. */
export const piIdempotencyKey = (purchaseId: string) => `gh-pi-${purchaseId}`;
export const refundIdempotencyKey = (refundId: string) => `gh-re-${refundId}`;

/** Transient failures: the request may be retried with the same key; anything else is final. */
export function isTransientPspError(e: unknown): boolean {
  return (
    e instanceof Stripe.errors.StripeConnectionError ||
    e instanceof Stripe.errors.StripeAPIError ||
    e instanceof Stripe.errors.StripeRateLimitError ||
    (e instanceof Stripe.errors.StripeIdempotencyError && (e as { statusCode?: number }).statusCode === 409) ||
    (e instanceof Stripe.errors.StripeError && (e.statusCode ?? 0) >= 500)
  );
}
