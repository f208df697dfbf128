import { pgTable, uuid, text, timestamp, integer, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

/**
 * One credit-package purchase. The id is ours and is created before the PSP is called, so the
 * Stripe idempotency key (`gh-pi-<id>`) and the PaymentIntent metadata can name it.
 * Status mirrors the PaymentIntent; `succeeded` is only set when the ledger effects are applied.
 */
export const creditPurchases = pgTable(
  'credit_purchases',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    packageId: text('package_id').notNull(),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull(),
    credits: integer('credits').notNull(),
    status: text('status', {
      enum: [
        'created',
        'requires_payment_method',
        'requires_confirmation',
        'requires_action',
        'processing',
        'succeeded',
        'failed',
        'canceled',
      ],
    }).notNull(),
    paymentMethod: text('payment_method'),
    paymentIntentId: text('payment_intent_id'),
    /** Given to the client for Stripe.js; kept so a resumed request can answer with it. */
    clientSecret: text('client_secret'),
    chargeId: text('charge_id'),
    feeCents: integer('fee_cents'),
    failureCode: text('failure_code'),
    /** `X-Request-Id` of the request that created the row (docs/payments.md, "Tracing a request"). */
    requestId: text('request_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('credit_purchases_pi_key').on(t.paymentIntentId),
    index('credit_purchases_user_idx').on(t.userId, t.createdAt),
    index('credit_purchases_status_idx').on(t.status, t.updatedAt),
    index('credit_purchases_request_idx').on(t.requestId),
  ],
);

/** A refund of (part of) a purchase; created before the PSP is called, like purchases. */
export const creditRefunds = pgTable(
  'credit_refunds',
  {
    id: uuid('id').primaryKey(),
    purchaseId: uuid('purchase_id')
      .notNull()
      .references(() => creditPurchases.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    amountCents: integer('amount_cents').notNull(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed', 'canceled'] }).notNull(),
    pspRefundId: text('psp_refund_id'),
    /** Credits taken back when the refund succeeded (set with the ledger effect). */
    creditsRevoked: integer('credits_revoked'),
    failureReason: text('failure_reason'),
    /** The refund request's id, or the webhook's for a refund started at the PSP. */
    requestId: text('request_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('credit_refunds_psp_key').on(t.pspRefundId),
    index('credit_refunds_purchase_idx').on(t.purchaseId),
    index('credit_refunds_status_idx').on(t.status, t.updatedAt),
    index('credit_refunds_request_idx').on(t.requestId),
  ],
);
