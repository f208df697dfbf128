import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, insertStudent, type TestDatabase } from '../../../test/support/db.ts';
import { creditPurchases } from '../db/schema/payments.ts';
import { insertPurchase } from '../payments/purchase-phases.ts';
import { atomicPhase, response } from './atomic-phase.ts';
import { beginIdempotentRequest } from './key-store.ts';

let database: TestDatabase;
let userId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  userId = await insertStudent(database.db, 'phases');
});
afterAll(async () => {
  await database?.close();
});

describe('atomicPhase under concurrency (issue 16)', () => {
  it('phases of different keys in one process commit on their first attempt (they queue in the `phases` lane)', async () => {
    const keys = await Promise.all(
      Array.from({ length: 8 }, async (_, n) => {
        const begun = await beginIdempotentRequest(
          database.db,
          {
            userId,
            key: `phase-${n}`,
            operation: 'purchase.create',
            fingerprint: 'fp',
            params: { package_id: 'starter-100' },
            lockTimeoutMs: 60_000,
          },
          async (tx) => {
            const p = await insertPurchase(tx, userId, { package_id: 'starter-100' }, null);
            return { point: 'purchase_created', resourceId: p.id };
          },
        );
        if (begun.kind !== 'run') throw new Error('expected a new key');
        return begun.key;
      }),
    );
    const attempts = vi.spyOn(database.db, 'transaction');
    // Each records its PaymentIntent and finishes, as purchase-phases.ts does: two indexed updates
    // whose index pages all eight share while the tables are young.
    const done = await Promise.all(
      keys.map((key, n) =>
        atomicPhase(database.db, key, async (tx) => {
          await tx
            .update(creditPurchases)
            .set({ paymentIntentId: `pi_phase_${n}`, status: 'processing', updatedAt: sql`now()` })
            .where(eq(creditPurchases.id, key.resourceId!));
          return response(201, { n });
        }),
      ),
    );
    expect(done.map((d) => d.kind)).toEqual(Array(8).fill('response'));
    expect(attempts).toHaveBeenCalledTimes(8);
    attempts.mockRestore();
  });
});

describe('atomicPhase when the lock check fails', () => {
  it('rejects the phase and leaves no unhandled rejection while `fn` is still busy (a crash of the process)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      // An id Postgres cannot cast fails the pipelined check at once, as a serialization failure
      // of the check does under load; `fn` is busy off the database meanwhile.
      const key = {
        id: 'not-a-uuid',
        lockToken: 'x',
        userId,
        operation: 'purchase.create',
        idempotencyKey: 'broken',
        fingerprint: 'fp',
      };
      const phase = atomicPhase(database.db, key, async () => {
        await new Promise((r) => setTimeout(r, 50));
        return response(200, {});
      });
      await expect(phase).rejects.toThrow(/Failed query/);
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
