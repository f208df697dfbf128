/** A credit package students can buy. Prices are USD cents; credits are whole units. */
export interface CreditPackage {
  id: string;
  name: string;
  credits: number;
  priceCents: number;
  currency: 'usd';
}

/**
 * The fixed catalog. A price change is a new package id: purchases keep the id, price and credits
 * they were bought with, so history never shifts under a refund.
 */
export const CREDIT_PACKAGES: readonly CreditPackage[] = [
  { id: 'starter-100', name: 'Starter', credits: 100, priceCents: 999, currency: 'usd' },
  { id: 'standard-500', name: 'Standard', credits: 500, priceCents: 3999, currency: 'usd' },
  { id: 'pro-1200', name: 'Pro', credits: 1200, priceCents: 7999, currency: 'usd' },
];

export function findPackage(id: string): CreditPackage | undefined {
  return CREDIT_PACKAGES.find((p) => p.id === id);
}

export function packageJson(p: CreditPackage) {
  return { id: p.id, name: p.name, credits: p.credits, price_cents: p.priceCents, currency: p.currency };
}
