import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createPaymentsHarness, type PaymentsHarness } from '../../../test/support/psp-sim/harness.ts';
import { parsePrometheusText, sumOf } from '../../../shared/ops/prom-text.ts';
import { detectDuplicates } from './duplicates.ts';

const TOKEN = 'metrics-token-for-tests-0123';
let h: PaymentsHarness;

beforeAll(async () => {
  h = await createPaymentsHarness({ env: { METRICS_TOKEN: TOKEN } });
});
afterAll(async () => {
  await h?.close();
});

async function scrape() {
  const res = await h.t.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return parsePrometheusText(await res.text()).samples;
}

describe('GET /metrics', () => {
  it('is 401 without the token and needs no gateway signature (Prometheus scrapes the backend directly)', async () => {
    expect((await h.t.app.request('/metrics')).status).toBe(401);
    expect((await h.t.app.request('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('counts requests per route class and status class, with latency and payments events', async () => {
    const before = await scrape();
    const u = await h.user();
    await h.t.request('/api/search?q=nursing');
    await h.t.request('/api/scholarships');
    await h.t.request(`/no/such/${Math.random()}`);
    const body = { package_id: 'starter-100', payment_method: 'pm_card_visa' };
    const first = await h.purchase(u.token, 'metrics-key-1', body);
    expect(first.status).toBe(201);
    const replay = await h.purchase(u.token, 'metrics-key-1', body);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect((await h.purchase(u.token, 'metrics-key-1', { ...body, package_id: 'standard-500' })).status).toBe(422);
    const purchase = await first.json();
    await h.sim.webhooksIdle();
    const refund = await h.refund(u.token, purchase.id, 'metrics-refund-1');
    expect(refund.status).toBeLessThan(300);
    await h.sim.webhooksIdle();
    const bad = await h.t.request('/webhooks/stripe', {
      method: 'POST',
      body: '{}',
      headers: { 'stripe-signature': 't=1,v1=00' },
    });
    expect(bad.status).toBe(400);

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sumOf(after, name, labels) - sumOf(before, name, labels);
    expect(
      delta('gatehouse_http_requests_total', { route_class: 'search', route: '/api/search', status_class: '2xx' }),
    ).toBe(1);
    expect(delta('gatehouse_http_requests_total', { route_class: 'catalog', route: '/api/scholarships' })).toBe(1);
    expect(delta('gatehouse_http_requests_total', { route_class: 'other', route: 'other', status_class: '4xx' })).toBe(
      1,
    );
    expect(delta('gatehouse_http_request_duration_seconds_count', { route_class: 'search' })).toBe(1);
    expect(delta('gatehouse_payments_purchases_total', { outcome: purchase.status })).toBe(1);
    expect(delta('gatehouse_payments_idempotent_replays_total', { operation: 'purchase.create' })).toBe(1);
    expect(delta('gatehouse_payments_idempotency_conflicts_total', { status: '422' })).toBe(1);
    expect(delta('gatehouse_payments_refunds_total')).toBe(1);
    expect(delta('gatehouse_payments_webhook_events_total', { result: 'processed' })).toBeGreaterThan(0);
    expect(delta('gatehouse_payments_webhook_events_total', { result: 'bad_signature' })).toBe(1);
    // No raw path ever becomes a label.
    expect(after.some((s) => Object.values(s.labels).some((v) => v.startsWith('/no/such')))).toBe(false);
    expect(sumOf(after, 'gatehouse_payments_duplicates')).toBe(0);
    expect(sumOf(after, 'gatehouse_payments_ledger_balanced')).toBe(1);
  });
});

describe('duplicates detector', () => {
  it('reads 0 on a healthy ledger and counts duplicates made on purpose past the guards', async () => {
    const db = h.t.deps.db;
    const u = await h.user();
    expect(
      (await h.purchase(u.token, 'dup-key', { package_id: 'starter-100', payment_method: 'pm_card_visa' })).status,
    ).toBe(201);
    await h.sim.webhooksIdle();
    expect(await detectDuplicates(db)).toEqual({ psp_charges: 0, ledger_postings: 0, credit_grants: 0 });
    // This database is this file's own throwaway copy: drop the guard that makes a duplicate impossible
    // (as its owner: the application role may not alter the ledger).
    const owner = h.t.database.owner;
    await owner.execute(sql`drop index ledger_transactions_business_key`);
    const [p] = (await db.execute(
      sql`select id, payment_intent_id from credit_purchases where user_id = ${u.id}`,
    )) as unknown as {
      id: string;
      payment_intent_id: string;
    }[];
    await owner.execute(sql`insert into ledger_transactions (kind, business_key, purchase_id, source)
      values ('credit_grant', ${`${p.payment_intent_id}:credit_grant`}, ${p.id}, 'test-duplicate')`);
    // A second succeeded PaymentIntent for the same purchase, as the webhook inbox would have stored it.
    await db.execute(sql`insert into webhook_events (id, type, object_id, outcome, payload)
      values ('evt_dup_test', 'payment_intent.succeeded', 'pi_duplicate_test', 'applied',
        ${JSON.stringify({ data: { object: { id: 'pi_duplicate_test', metadata: { purchase_id: p.id } } } })}::jsonb)`);
    expect(await detectDuplicates(db)).toEqual({ psp_charges: 1, ledger_postings: 1, credit_grants: 1 });
    const samples = await scrape();
    expect(sumOf(samples, 'gatehouse_payments_duplicates', { kind: 'credit_grants' })).toBe(1);
    expect(sumOf(samples, 'gatehouse_payments_duplicates')).toBe(3);
  });
});
