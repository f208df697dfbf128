/** Currencies of the ledger: USD cents for money, CREDITS for the product's credits. */
type Currency = 'USD' | 'CREDITS';

/**
 * System accounts. Sign convention: an account's balance is the plain sum of its entries, and each
 * transaction's entries sum to zero per currency.
 * - psp_clearing (USD): money held for us at the PSP (charges in, fees and refunds out).
 * - revenue (USD, negative balance = income), psp_fees (USD, positive = expense),
 *   refunds (USD, positive = money returned to customers).
 * - credit_issuance (CREDITS): the counter-account of every wallet; minus the credits outstanding.
 * - credit_redemptions (CREDITS): credits spent on products (positive = credits used up).
 */
export const SYSTEM_ACCOUNTS = {
  pspClearing: { id: 'psp_clearing', kind: 'psp_clearing', currency: 'USD' },
  revenue: { id: 'revenue', kind: 'revenue', currency: 'USD' },
  pspFees: { id: 'psp_fees', kind: 'psp_fees', currency: 'USD' },
  refunds: { id: 'refunds', kind: 'refunds', currency: 'USD' },
  creditIssuance: { id: 'credit_issuance', kind: 'credit_issuance', currency: 'CREDITS' },
  creditRedemptions: { id: 'credit_redemptions', kind: 'credit_redemptions', currency: 'CREDITS' },
} as const;

type AccountKind = (typeof SYSTEM_ACCOUNTS)[keyof typeof SYSTEM_ACCOUNTS]['kind'] | 'user_wallet';

export interface AccountRef {
  id: string;
  kind: AccountKind;
  currency: Currency;
  userId?: string;
}

/** A user's credit wallet (CREDITS; positive balance = credits the user can spend). */
export function walletAccount(userId: string): AccountRef {
  return { id: `wallet:${userId}`, kind: 'user_wallet', currency: 'CREDITS', userId };
}
