import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { startSmtpSink } from '../../../test/support/smtp-sink.ts';
import { createSmtpTransport } from '../mail/smtp-transport.ts';
import { createDevTransport } from '../mail/dev-transport.ts';
import { mailbox, users } from '../db/schema/users.ts';
import { serializable } from '../idempotency/serializable.ts';
import { enqueue } from '../payments/settlement/6-outbox.ts';
import { relayOnce } from '../payments/settlement/7-outbox-relay.ts';
import { receiptMailer } from '../payments/settlement/8-consumers.ts';

let db: TestDatabase;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.close();
  await db?.close();
});

async function receiptFor(email: string) {
  const [u] = await db.db
    .insert(users)
    .values({ email, passwordHash: 'x', name: 'Buyer', role: 'student' })
    .returning();
  const payload = { purchase_id: crypto.randomUUID(), user_id: u.id, credits: 100, amount_cents: 999 };
  await serializable(db.db, (tx) => enqueue(tx, 'receipt.mail', payload, null));
  return payload;
}

describe('receipt mail', () => {
  it('goes through SMTP when SMTP_URL is set (not the dev mailbox), once per message', async () => {
    const mail = createSmtpTransport({ url: `smtp://127.0.0.1:${sink.port}`, from: 'no-reply@gatehouse.test' });
    const consumer = receiptMailer({ mail, publicUrl: 'https://gatehouse.example' });
    const p = await receiptFor('smtp-buyer@example.test');
    expect((await relayOnce(db.db, [consumer])).delivered).toBe(1);
    await relayOnce(db.db, [consumer]);
    expect(sink.received.map((m) => m.to)).toEqual([['smtp-buyer@example.test']]);
    const body = Buffer.from(sink.received[0].data.split('\r\n\r\n')[1].replace(/\r\n/g, ''), 'base64').toString();
    expect(body).toContain(`https://gatehouse.example/account/credits/purchases/${p.purchase_id}`);
    expect(await db.db.select().from(mailbox)).toEqual([]);
  });

  it('goes to the dev mailbox without SMTP', async () => {
    const consumer = receiptMailer({ mail: createDevTransport(db.db, () => {}), publicUrl: 'http://127.0.0.1:8787' });
    await receiptFor('dev-buyer@example.test');
    await relayOnce(db.db, [consumer]);
    const rows = await db.db.select().from(mailbox);
    expect(rows.map((r) => r.toAddress)).toEqual(['dev-buyer@example.test']);
  });
});
