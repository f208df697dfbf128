// Every table, one file per domain; drizzle-kit reads this file (drizzle.config.ts).
export * from './providers.ts';
export * from './users.ts';
export * from './scholarships.ts';
export * from './payments.ts';
export * from './idempotency.ts';
export * from './ledger.ts';
export * from './webhooks.ts';
export * from './outbox.ts';
export * from './credit-spends.ts';
