import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { creditSpends } from '../db/schema/credit-spends.ts';
import { idempotencyKeys } from '../db/schema/idempotency.ts';
import { scholarships } from '../db/schema/scholarships.ts';
import { atomicPhase, response } from '../idempotency/atomic-phase.ts';
import type { IdempotencyKeyRow } from '../idempotency/key-store.ts';
import { SYSTEM_ACCOUNTS, walletAccount } from '../ledger/accounts.ts';
import { walletCredits } from '../ledger/balance.ts';
import { postTransaction } from '../ledger/post-transaction.ts';
import { problem } from '../../../shared/errors.ts';
import type { Outcome } from '../idempotency/phase-driver.ts';

/**
 * What credits buy. An application-readiness review: for one scholarship, how the student's
 * profile meets each criterion, what the application needs and how long is left, kept on the
 * student's account. Priced so the Starter package (100 credits) unlocks four.
 */
export const SPEND_ITEMS = {
  readiness_review: { name: 'Application-readiness review', credits: 25 },
} as const;
type SpendItem = keyof typeof SPEND_ITEMS;

interface SpendParams {
  item: SpendItem;
  scholarship_id: string;
}

export type Spend = typeof creditSpends.$inferSelect;

function spendJson(s: Spend) {
  return {
    id: s.id,
    item: s.item,
    scholarship_id: s.scholarshipId,
    credits: s.credits,
    created_at: s.createdAt.toISOString(),
  };
}

/**
 * Spends credits once per Idempotency-Key, in one atomic phase (one SERIALIZABLE transaction):
 * the balance check, the insert-only `credit_spends` row and the ledger's `credit_spend`
 * transaction (wallet −n, credit_redemptions +n, business key `spend:<id>`) commit together with
 * the key's final answer. Two concurrent spends of the last credits cannot both pass the check
 * (SERIALIZABLE), and unlocking what is already unlocked answers 200 without charging again.
 */
export async function runSpend(db: Db, key: IdempotencyKeyRow, requestId: string): Promise<Outcome> {
  if (key.recoveryPoint === 'finished') {
    const [k] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.id, key.id));
    return { status: k.responseStatus!, body: k.responseBody };
  }
  const params = key.requestParams as SpendParams;
  const item = SPEND_ITEMS[params.item];
  const r = await atomicPhase<'finished'>(db, key, async (tx) => {
    if (!item) return response(404, problem('NOT_FOUND', requestId, { detail: 'Nothing of that name is for sale' }));
    const [s] = await tx
      .select({ id: scholarships.id })
      .from(scholarships)
      .where(and(eq(scholarships.id, params.scholarship_id), eq(scholarships.published, true)));
    if (!s) return response(404, problem('NOT_FOUND', requestId, { detail: 'No published scholarship has this id' }));
    const [owned] = await tx
      .select()
      .from(creditSpends)
      .where(
        and(
          eq(creditSpends.userId, key.userId),
          eq(creditSpends.item, params.item),
          eq(creditSpends.scholarshipId, s.id),
        ),
      );
    if (owned) return response(200, { ...spendJson(owned), already_unlocked: true });
    const balance = await walletCredits(tx, key.userId);
    if (balance < item.credits)
      return response(
        402,
        problem('INSUFFICIENT_CREDITS', requestId, {
          detail: `This costs ${item.credits} credits and your balance is ${balance}`,
          extra: { credits_needed: item.credits, balance },
        }),
      );
    const [spent] = await tx
      .insert(creditSpends)
      .values({
        id: crypto.randomUUID(),
        userId: key.userId,
        item: params.item,
        scholarshipId: s.id,
        credits: item.credits,
      })
      .returning();
    await postTransaction(tx, {
      kind: 'credit_spend',
      businessKey: `spend:${spent.id}`,
      source: 'api',
      postings: [
        { account: walletAccount(key.userId), amount: -item.credits },
        { account: SYSTEM_ACCOUNTS.creditRedemptions, amount: item.credits },
      ],
    });
    return response(201, { ...spendJson(spent), already_unlocked: false });
  });
  if (r.kind !== 'response') throw new Error('a spend phase always answers');
  return { status: r.status, body: r.body };
}

/** The user's spends, oldest first, with the scholarship they were for (kept even if it was removed since). */
export async function listSpends(db: Db, userId: string) {
  const rows = await db
    .select({ spend: creditSpends, title: scholarships.title, slug: scholarships.slug })
    .from(creditSpends)
    .leftJoin(scholarships, eq(scholarships.id, creditSpends.scholarshipId))
    .where(eq(creditSpends.userId, userId))
    .orderBy(creditSpends.createdAt);
  return rows.map((r) => ({ spend: r.spend, title: r.title ?? 'a removed scholarship', slug: r.slug ?? '' }));
}
