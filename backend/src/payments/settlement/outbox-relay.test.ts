import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/db.ts';
import { relayOnce, OUTBOX_MAX_ATTEMPTS, type OutboxConsumer, type OutboxMessage } from './7-outbox-relay.ts';
import { enqueue } from './6-outbox.ts';
import { paymentsOpsSnapshot } from '../ops.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const rows = <T>(r: unknown) => (r as { rows?: T[] }).rows ?? (r as T[]);
/** Makes every message due now (skips the backoff wait). */
const due = () =>
  db.db.execute(
    sql`update outbox_messages set available_at = now() - interval '1 second' where delivered_at is null and dead_at is null`,
  );

function recorder(name: string, fail: (msg: OutboxMessage) => boolean = () => false) {
  const seen: string[] = [];
  const consumer: OutboxConsumer = {
    name,
    topics: ['credits.granted'],
    async handle(_tx, msg) {
      if (fail(msg)) throw new Error('consumer down');
      seen.push(msg.id);
    },
  };
  return { consumer, seen };
}

describe('outbox relay', () => {
  it('delivers at least once, and a consumer sees each message once even when redelivered', async () => {
    await db.db.transaction((tx) => enqueue(tx, 'credits.granted', { n: 1 }, null));
    const { consumer, seen } = recorder('once');
    expect((await relayOnce(db.db, [consumer])).delivered).toBe(1);
    // Simulate a relay that crashed after the consumer committed but before marking delivered.
    await db.db.execute(
      sql`update outbox_messages set delivered_at = null, available_at = now() - interval '1 second'`,
    );
    expect((await relayOnce(db.db, [consumer])).delivered).toBe(1);
    expect(seen).toHaveLength(1);
    await db.db.execute(sql`update outbox_messages set delivered_at = now()`);
  });

  it('backs off after a failure, then dead-letters after the last attempt; ops shows it', async () => {
    await db.db.transaction((tx) => enqueue(tx, 'credits.granted', { n: 2 }, 'req-dead-letter-1'));
    const { consumer } = recorder('broken', () => true);
    const first = await relayOnce(db.db, [consumer]);
    expect(first.retried).toBe(1);
    expect((await relayOnce(db.db, [consumer])).retried).toBe(0); // not due yet: backoff
    for (let i = 1; i < OUTBOX_MAX_ATTEMPTS; i++) {
      await due();
      await relayOnce(db.db, [consumer]);
    }
    const [m] = rows<{ attempts: number; dead_at: Date | null; last_error: string }>(
      await db.db.execute(sql`select attempts, dead_at, last_error from outbox_messages where payload->>'n' = '2'`),
    );
    expect(m.attempts).toBe(OUTBOX_MAX_ATTEMPTS);
    expect(m.dead_at).not.toBeNull();
    expect(m.last_error).toMatch(/consumer down/);
    const ops = await paymentsOpsSnapshot(db.db);
    expect(ops.outbox.dead_letters).toBe(1);
    expect(ops.outbox.recent_dead_letters[0].topic).toBe('credits.granted');
  });

  it('concurrent relays never claim the same message (FOR UPDATE SKIP LOCKED)', async () => {
    await db.db.transaction(async (tx) => {
      for (let i = 0; i < 40; i++) await enqueue(tx, 'credits.granted', { n: 100 + i }, null);
    });
    const seenAll: string[] = [];
    const consumer: OutboxConsumer = {
      name: 'parallel',
      topics: ['credits.granted'],
      async handle(_tx, msg) {
        seenAll.push(msg.id);
      },
    };
    const results = await Promise.all([
      relayOnce(db.db, [consumer], 10),
      relayOnce(db.db, [consumer], 10),
      relayOnce(db.db, [consumer], 10),
      relayOnce(db.db, [consumer], 10),
    ]);
    const delivered = results.reduce((a, r) => a + r.delivered, 0);
    expect(delivered).toBe(40);
    expect(new Set(seenAll).size).toBe(seenAll.length);
    const ops = await paymentsOpsSnapshot(db.db);
    expect(ops.outbox.pending).toBe(0);
  });

  it('a round delivers several messages at once, marks them delivered, and says when its batch was full', async () => {
    await db.db.transaction(async (tx) => {
      for (let i = 0; i < 12; i++) await enqueue(tx, 'credits.granted', { n: 200 + i }, null);
    });
    let inFlight = 0;
    let most = 0;
    const consumer: OutboxConsumer = {
      name: 'overlap',
      topics: ['credits.granted'],
      async handle() {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
      },
    };
    const full = await relayOnce(db.db, [consumer], 8);
    expect(full).toMatchObject({ claimed: 8, delivered: 8 });
    expect(most).toBeGreaterThan(1);
    expect(await relayOnce(db.db, [consumer], 8)).toMatchObject({ claimed: 4, delivered: 4 });
    expect((await paymentsOpsSnapshot(db.db)).outbox.pending).toBe(0);
  });

  it('a batch consumer gets the round in one transaction; if one message fails, the others are delivered once each and it alone backs off', async () => {
    await db.db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) await enqueue(tx, 'credits.granted', { n: 300 + i }, null);
    });
    const bad = { id: '' };
    const consumer: OutboxConsumer = {
      name: 'batched',
      topics: ['credits.granted'],
      batch: true,
      async handle(tx, msg) {
        if (msg.payload.n === 302) bad.id = msg.id;
        // Its effect is a row in the relay's transaction, as the dev mailbox's is.
        await tx.execute(
          sql`insert into mailbox (to_address, subject, body) values ('batch@example.test', ${msg.id}, '')`,
        );
        if (msg.payload.n === 302) throw new Error('this one fails');
      },
    };
    const attempts = vi.spyOn(db.db, 'transaction');
    const round = await relayOnce(db.db, [consumer]);
    expect(round).toMatchObject({ claimed: 5, delivered: 4, retried: 1 });
    expect(attempts).toHaveBeenCalledTimes(6); // the round's, rolled back, then one each
    const effects = rows<{ subject: string; n: number }>(
      await db.db.execute(
        sql`select subject, count(*)::int as n from mailbox where to_address = 'batch@example.test' group by subject`,
      ),
    );
    expect(effects).toHaveLength(4);
    expect(effects.every((e) => e.n === 1 && e.subject !== bad.id)).toBe(true);
    // Everything fine: one transaction for the round.
    await db.db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await enqueue(tx, 'credits.granted', { n: 400 + i }, null);
    });
    attempts.mockClear();
    const second = await relayOnce(db.db, [consumer]);
    expect(second).toMatchObject({ claimed: 3, delivered: 3 });
    expect(attempts).toHaveBeenCalledTimes(1);
    attempts.mockRestore();
  });
});
