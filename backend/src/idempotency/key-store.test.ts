import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDatabase, insertStudent, type TestDatabase } from '../../../test/support/db.ts';
import { idempotencyKeys } from '../db/schema/idempotency.ts';
import { creditPurchases } from '../db/schema/payments.ts';
import { insertPurchase } from '../payments/purchase-phases.ts';
import { beginIdempotentRequest, type BeginInput, type FirstPhase } from './key-store.ts';

let database: TestDatabase;
let userId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  userId = await insertStudent(database.db, 'keys');
});
afterAll(async () => {
  await database?.close();
});

const input = (key: string, fingerprint = 'fp-1'): BeginInput => ({
  userId,
  key,
  operation: 'purchase.create',
  fingerprint,
  params: { package_id: 'starter-100' },
  lockTimeoutMs: 60_000,
});
const keyRows = (key: string) =>
  database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.idempotencyKey, key));

describe('beginIdempotentRequest with a first phase', () => {
  it('stores the key at the point its first phase reached, with its resource, in one commit', async () => {
    let runs = 0;
    const first: FirstPhase = async (tx) => {
      runs++;
      const p = await insertPurchase(tx, userId, { package_id: 'starter-100' }, null);
      return { point: 'purchase_created', resourceId: p.id };
    };
    const begun = await beginIdempotentRequest(database.db, input('first-1'), first);
    expect(begun.kind).toBe('run');
    if (begun.kind !== 'run') return;
    expect(begun.created).toBe(true);
    expect(begun.key.recoveryPoint).toBe('purchase_created');
    const [p] = await database.db.select().from(creditPurchases).where(eq(creditPurchases.id, begun.key.resourceId!));
    expect(p.userId).toBe(userId);
    // The same key again while the first run holds the lock: 409, and the first phase does not run again.
    await expect(beginIdempotentRequest(database.db, input('first-1'), first)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_IN_PROGRESS',
    });
    expect(runs).toBe(1);
    // A different request under the same key: 422.
    await expect(beginIdempotentRequest(database.db, input('first-1', 'fp-other'), first)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('a failing first phase leaves neither the key nor its record behind', async () => {
    const purchases0 = (await database.db.select().from(creditPurchases)).length;
    const failing: FirstPhase = async (tx) => {
      await insertPurchase(tx, userId, { package_id: 'starter-100' }, null);
      throw new Error('crash inside the first phase');
    };
    await expect(beginIdempotentRequest(database.db, input('first-2'), failing)).rejects.toThrow(
      'crash inside the first phase',
    );
    expect(await keyRows('first-2')).toEqual([]);
    expect((await database.db.select().from(creditPurchases)).length).toBe(purchases0);
  });

  it('without a first phase the key starts at `started`', async () => {
    const begun = await beginIdempotentRequest(database.db, input('plain-1'));
    expect(begun.kind === 'run' && begun.key.recoveryPoint).toBe('started');
  });
});

describe('beginIdempotentRequest under concurrency (issue 16)', () => {
  it('new keys of concurrent requests commit on their first attempt: the key is inserted, never read first', async () => {
    const first: FirstPhase = async (tx) => {
      const p = await insertPurchase(tx, userId, { package_id: 'starter-100' }, null);
      return { point: 'purchase_created', resourceId: p.id };
    };
    const attempts = vi.spyOn(database.db, 'transaction');
    // Reading the key before inserting it put a predicate lock on the unique index's page, and
    // concurrent inserts into that page aborted one another under SERIALIZABLE.
    const begun = await Promise.all(
      Array.from({ length: 8 }, (_, n) => beginIdempotentRequest(database.db, input(`concurrent-${n}`), first)),
    );
    expect(begun.every((b) => b.kind === 'run' && b.created)).toBe(true);
    expect(attempts).toHaveBeenCalledTimes(8);
    attempts.mockRestore();
  });

  it('a key inserted between the read and the insert is continued, and its first phase leaves nothing', async () => {
    const purchases0 = (await database.db.select().from(creditPurchases)).length;
    const key = input('raced-1');
    const first: FirstPhase = async (tx) => {
      const p = await insertPurchase(tx, userId, { package_id: 'starter-100' }, null);
      // Another request stores the same key now, after this one found none.
      if (!(await keyRows('raced-1')).length) await beginIdempotentRequest(database.db, key);
      return { point: 'purchase_created', resourceId: p.id };
    };
    await expect(beginIdempotentRequest(database.db, key, first)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_IN_PROGRESS',
    });
    expect(await keyRows('raced-1')).toHaveLength(1);
    expect((await database.db.select().from(creditPurchases)).length).toBe(purchases0);
  });
});
