import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import {
  createPaymentsHarness,
  TEST_WEBHOOK_SECRET,
  type PaymentsHarness,
} from '../../../test/support/psp-sim/harness.ts';
import { stripeSignature } from '../../../test/support/psp-sim/index.ts';
import { signedRequestInit } from '../../../test/support/sign.ts';
import { relayOnce, OUTBOX_MAX_ATTEMPTS, type OutboxConsumer } from './settlement/7-outbox-relay.ts';
import { creditAuditLog } from './settlement/8-consumers.ts';

/**
 * One id follows a request (issue 10): the id the gateway signs in `X-Request-Id` is stored on the
 * rows the request writes (purchase, refund, webhook inbox, outbox), and the outbox relay and its
 * consumers log under the id of the request that enqueued the message.
 */
let h: PaymentsHarness;
const lines: Record<string, unknown>[] = [];
const log = pino(
  { level: 'info' },
  new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  }),
);
beforeAll(async () => {
  h = await createPaymentsHarness();
  h.t.deps.log = log;
});
afterAll(async () => {
  await h?.close();
});

const rows = <T>(r: unknown) => (r as { rows?: T[] }).rows ?? (r as T[]);
const query = async <T>(q: ReturnType<typeof sql>) => rows<T>(await h.t.deps.db.execute(q));
const newId = (what: string) => `req-${what}-${crypto.randomUUID()}`;

/** A request as the gateway sends it: our own request id, signed with the body and credential. */
async function asGateway(requestId: string, path: string, init: RequestInit & { token?: string }) {
  const { token, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  const url = new URL(path, 'http://backend.test');
  const res = await h.t.app.request(url.toString(), await signedRequestInit(url, { ...rest, headers }, requestId));
  expect(res.headers.get('x-request-id')).toBe(requestId);
  return res;
}
const postJson = (requestId: string, path: string, token: string, key: string, body: unknown) =>
  asGateway(requestId, path, {
    method: 'POST',
    token,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
  });

describe('request id from the gateway into payments, webhooks and the outbox', () => {
  const purchaseReq = newId('purchase');
  const webhookReq = newId('webhook');
  const refundReq = newId('refund');
  let purchaseId = '';
  let token = '';

  it('a purchase stores its request id; the webhook that settles it stores its own on the inbox row and the outbox messages', async () => {
    const u = await h.user();
    token = u.token;
    h.sim.faults.holdWebhooks = true;
    const res = await postJson(purchaseReq, '/api/credits/purchases', token, 'trace-buy', {
      package_id: 'starter-100',
      payment_method: 'pm_card_visa',
    });
    expect(res.status).toBe(201);
    const purchase = await res.json();
    purchaseId = purchase.id;
    expect(await query(sql`select request_id from credit_purchases where id = ${purchaseId}`)).toEqual([
      { request_id: purchaseReq },
    ]);

    // Stripe's delivery of the success, through the gateway (which gives it its own id).
    const evt = h.sim.state.events.find(
      (e) =>
        e.type === 'payment_intent.succeeded' &&
        (e.data as { object: { id: string } }).object.id === purchase.payment_intent_id,
    )!;
    const body = JSON.stringify(evt);
    const delivered = await asGateway(webhookReq, '/webhooks/stripe', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body, TEST_WEBHOOK_SECRET) },
    });
    expect(delivered.status).toBe(200);
    expect(await query(sql`select request_id from webhook_events where id = ${evt.id}`)).toEqual([
      { request_id: webhookReq },
    ]);
    const messages = await query<{ topic: string; request_id: string }>(
      sql`select topic, request_id from outbox_messages where payload->>'purchase_id' = ${purchaseId} order by topic`,
    );
    expect(messages).toEqual([
      { topic: 'credits.granted', request_id: webhookReq },
      { topic: 'receipt.mail', request_id: webhookReq },
    ]);
    // The rest of the held deliveries come with their own ids (duplicates or earlier states: no-ops).
    h.sim.faults.holdWebhooks = false;
    await h.sim.flushWebhooks();
    expect(
      (await query<{ n: number }>(sql`select count(*)::int as n from webhook_events where request_id is null`))[0].n,
    ).toBe(0);
  });

  it('a refund stores its request id on the refund row and on the message its transaction enqueued', async () => {
    // Held: a refund webhook landing between the PSP call and the request's commit would apply the
    // refund first, and the message would rightly carry the webhook's id instead.
    h.sim.faults.holdWebhooks = true;
    const res = await postJson(refundReq, `/api/credits/purchases/${purchaseId}/refunds`, token, 'trace-refund', {
      amount: 500,
    });
    expect(res.status).toBe(201);
    const refund = await res.json();
    expect(await query(sql`select request_id from credit_refunds where id = ${refund.id}`)).toEqual([
      { request_id: refundReq },
    ]);
    expect(
      await query(
        sql`select request_id from outbox_messages where topic = 'refund.processed' and payload->>'refund_id' = ${refund.id}`,
      ),
    ).toEqual([{ request_id: refundReq }]);
    h.sim.faults.holdWebhooks = false;
    await h.sim.flushWebhooks();
  });

  it('consumers and the relay log under the originating request id, a dead letter included', async () => {
    const failing: OutboxConsumer = {
      name: 'failing-refund-consumer',
      topics: ['refund.processed'],
      async handle() {
        throw new Error('mail server down');
      },
    };
    // The refund's message is on its last attempt: this round dead-letters it.
    await h.t.deps.db.execute(
      sql`update outbox_messages set attempts = ${OUTBOX_MAX_ATTEMPTS - 1} where topic = 'refund.processed' and request_id = ${refundReq}`,
    );
    lines.length = 0;
    const result = await relayOnce(h.t.deps.db, [creditAuditLog(log), failing], undefined, log);
    expect(result.dead).toBe(1);
    const audit = lines.find(
      (l) => l.msg === 'credits movement' && l.purchase_id === purchaseId && l.topic === 'credits.granted',
    );
    expect(audit?.request_id).toBe(webhookReq);
    const dead = lines.find((l) => l.msg === 'outbox message dead-lettered');
    expect(dead).toMatchObject({ request_id: refundReq, topic: 'refund.processed', err: 'mail server down' });
  });

  it('the payments admin JSON, /ops and the request page show the id next to the problem', async () => {
    const declinedReq = newId('declined');
    const declined = await postJson(declinedReq, '/api/credits/purchases', token, 'trace-declined', {
      package_id: 'starter-100',
      payment_method: 'pm_card_chargeDeclined',
    });
    expect(declined.status).toBe(402);
    const failedId = (await declined.json()).purchase_id;
    const admin = await h.user('admin');

    const snap = await (await h.t.request('/api/ops/payments', { token: admin.token })).json();
    expect(snap.recent_problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'purchase_failed', id: failedId, request_id: declinedReq }),
        expect.objectContaining({ kind: 'outbox_dead_letter', request_id: refundReq }),
      ]),
    );
    expect(snap.outbox.recent_dead_letters[0]).toMatchObject({ topic: 'refund.processed', request_id: refundReq });

    const cookie = { headers: { cookie: `gh_access=${admin.token}` } };
    const page = await (await h.t.request('/ops', cookie)).text();
    expect(page).toContain('id="panel-payment-problems"');
    expect(page).toContain(`data-request-id="${declinedReq}"`);
    expect(page).toContain(`data-request-id="${refundReq}"`);
    expect(page).toContain(`grep -F &#39;&quot;request_id&quot;:&quot;`);

    const trace = await (await h.t.request(`/ops/requests/${webhookReq}`, cookie)).text();
    expect(trace).toContain(`grep -F &#39;&quot;request_id&quot;:&quot;${webhookReq}&quot;&#39; gatehouse.log`);
    expect(trace).toContain('credits.granted');
    expect(trace).toContain('payment_intent.succeeded');
    const purchaseTrace = await (await h.t.request(`/ops/requests/${purchaseReq}`, cookie)).text();
    expect(purchaseTrace).toContain(purchaseId);
  });
});
