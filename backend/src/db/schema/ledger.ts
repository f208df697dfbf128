import { pgTable, uuid, text, timestamp, bigint, bigserial, index, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Double-entry ledger, insert-only (triggers in drizzle/*_ledger_guards.sql refuse UPDATE, DELETE
 * and TRUNCATE). Amounts are signed minor units: an account's balance is the sum of its entries,
 * and the entries of one transaction sum to zero per currency (checked at commit by a deferred
 * constraint trigger, and in code before insert).
 */
export const ledgerAccounts = pgTable('ledger_accounts', {
  /** `wallet:<user id>` for user credit wallets, otherwise a fixed system code (see ledger/accounts.ts). */
  id: text('id').primaryKey(),
  kind: text('kind', {
    enum: ['user_wallet', 'credit_issuance', 'credit_redemptions', 'psp_clearing', 'revenue', 'psp_fees', 'refunds'],
  }).notNull(),
  currency: text('currency').notNull(),
  userId: uuid('user_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const ledgerTransactions = pgTable(
  'ledger_transactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', {
      enum: ['purchase', 'psp_fee', 'refund', 'credit_grant', 'credit_revoke', 'credit_spend'],
    }).notNull(),
    /** One per effect of one PSP fact (`<pi id>:purchase`, `<refund id>:credit_revoke`): applying it twice is a no-op. */
    businessKey: text('business_key').notNull(),
    purchaseId: uuid('purchase_id'),
    refundId: uuid('refund_id'),
    /** Which path applied it first: webhook, recovery or reconcile. */
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ledger_transactions_business_key').on(t.businessKey),
    index('ledger_transactions_purchase_idx').on(t.purchaseId),
  ],
);

export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    transactionId: uuid('transaction_id')
      .notNull()
      .references(() => ledgerTransactions.id),
    accountId: text('account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    currency: text('currency').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('ledger_entries_account_idx').on(t.accountId),
    index('ledger_entries_transaction_idx').on(t.transactionId),
  ],
);
