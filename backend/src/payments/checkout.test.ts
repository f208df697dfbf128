import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createPaymentsHarness, type PaymentsHarness } from '../../../test/support/psp-sim/harness.ts';
import { unbalancedTransactions } from '../ledger/balance.ts';
import { ACCESS_COOKIE } from '../auth/middleware.ts';
import { addProvider, addScholarship } from '../../../test/support/catalog-fixtures.ts';

/**
 * Credits in the browser, at the HTTP level: the /account/credits forms, the Stripe SDK against
 * the simulator's Checkout Sessions and hosted page, and its signed webhooks delivered to the app.
 */
let h: PaymentsHarness;
const ORIGIN = 'http://127.0.0.1:8787';
beforeAll(async () => {
  h = await createPaymentsHarness();
});
afterAll(async () => {
  await h?.close();
});

const rows = <T>(r: unknown) => (r as { rows?: T[] }).rows ?? (r as T[]);
async function count(q: ReturnType<typeof sql>): Promise<number> {
  return Number(rows<{ n: number }>(await h.t.deps.db.execute(q))[0].n);
}

function form(token: string, path: string, fields: Record<string, string>) {
  return h.t.request(path, {
    method: 'POST',
    headers: {
      cookie: `${ACCESS_COOKIE}=${token}`,
      origin: ORIGIN,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(fields).toString(),
  });
}
const page = (token: string, path: string) => h.t.request(path, { headers: { cookie: `${ACCESS_COOKIE}=${token}` } });

/** The customer on the simulator's hosted page (no API key, like a browser). */
function pay(url: string, card: string) {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ card_number: card, expiry: '12 / 34', cvc: '123', name: 'Test Buyer' }).toString(),
  });
}

async function balance(token: string): Promise<number> {
  return ((await (await h.t.request('/api/credits/balance', { token })).json()) as { credits: number }).credits;
}

describe('checkout from the credits page', () => {
  it('a double-submitted Buy form makes one session; paying redirects back; credits are granted once', async () => {
    const u = await h.user();
    h.sim.faults.duplicateWebhooks = true; // every event twice: completed + PaymentIntent events, each duplicated
    try {
      const created = h.sim.checkout.created;
      const fields = { package_id: 'starter-100', idempotency_key: crypto.randomUUID() };
      const [a, b] = await Promise.all([
        form(u.token, '/account/credits/checkout', fields),
        form(u.token, '/account/credits/checkout', fields),
      ]);
      expect([a.status, b.status]).toEqual([303, 303]);
      expect(a.headers.get('location')).toBe(b.headers.get('location'));
      expect(h.sim.checkout.created).toBe(created + 1);
      // The purchase row keeps the id of the form post that stored it (docs/payments.md, "Tracing a request").
      const [stored] = rows<{ request_id: string }>(
        await h.t.deps.db.execute(sql`select request_id from credit_purchases where user_id = ${u.id}`),
      );
      expect(stored.request_id).toMatch(/^[0-9a-f-]{36}$/);
      expect([a.headers.get('x-request-id'), b.headers.get('x-request-id')]).toContain(stored.request_id);
      const url = a.headers.get('location')!;
      expect(url).toMatch(/\/c\/pay\/cs_test_/);

      const declined = await pay(url, '4000 0000 0000 0002');
      expect(declined.status).toBe(402);
      expect(await declined.text()).toContain('Your card was declined.');

      const paid = await pay(url, '4242 4242 4242 4242');
      expect(paid.status).toBe(303);
      const back = new URL(paid.headers.get('location')!);
      expect(back.pathname).toBe('/account/credits/return');
      // A second submit of the paid page charges nothing and goes back to the shop.
      const again = await pay(url, '4242 4242 4242 4242');
      expect(again.status).toBe(303);
      await h.sim.webhooksIdle();

      expect(await balance(u.token)).toBe(100);
      const ret = await page(u.token, back.pathname + back.search);
      expect(ret.status).toBe(200);
      expect(await ret.text()).toContain('100 credits were added');
      expect(
        await count(sql`select count(*)::int as n from ledger_transactions t join credit_purchases p on p.id = t.purchase_id
          where p.user_id = ${u.id} and t.kind = 'credit_grant'`),
      ).toBe(1);
      expect(
        await count(sql`select count(*)::int as n from webhook_events where type = 'checkout.session.completed'`),
      ).toBeGreaterThanOrEqual(1);
      expect(await unbalancedTransactions(h.t.deps.db)).toEqual([]);
    } finally {
      h.sim.faults.duplicateWebhooks = false;
    }
  });

  it('a PSP outage or a lost answer: the same form again resumes the purchase, still one session', async () => {
    const u = await h.user();
    const fields = { package_id: 'pro-1200', idempotency_key: crypto.randomUUID() };
    const created = h.sim.checkout.created;
    h.sim.faults.failNext = 2; // the call and the SDK's one retry
    const down = await form(u.token, '/account/credits/checkout', fields);
    expect(down.status).toBe(502);
    expect(await down.text()).toContain('Nothing was charged');
    h.sim.faults.dropResponseNext = 1; // the session is made, the answer is lost; the SDK retries with our key
    const up = await form(u.token, '/account/credits/checkout', fields);
    expect(up.status).toBe(303);
    expect(h.sim.checkout.created).toBe(created + 1);
    expect(await count(sql`select count(*)::int as n from credit_purchases where user_id = ${u.id}`)).toBe(1);
    const again = await form(u.token, '/account/credits/checkout', fields);
    expect(again.headers.get('location')).toBe(up.headers.get('location'));
  });

  it('a declined card charges nothing and grants nothing; the cancel page says so', async () => {
    const u = await h.user();
    const charges = h.sim.state.stats.chargesSucceeded;
    const r = await form(u.token, '/account/credits/checkout', {
      package_id: 'standard-500',
      idempotency_key: crypto.randomUUID(),
    });
    const declined = await pay(r.headers.get('location')!, '4000000000000002');
    expect(declined.status).toBe(402);
    await h.sim.webhooksIdle();
    expect(h.sim.state.stats.chargesSucceeded).toBe(charges);
    expect(await balance(u.token)).toBe(0);
    const cancel = await page(u.token, '/account/credits/cancel');
    expect(await cancel.text()).toContain('Nothing was charged');
  });

  it('an abandoned checkout that Stripe expires cancels its purchase (a final state)', async () => {
    const u = await h.user();
    const r = await form(u.token, '/account/credits/checkout', {
      package_id: 'starter-100',
      idempotency_key: crypto.randomUUID(),
    });
    const sessionId = /cs_test_[A-Za-z0-9_]+/.exec(r.headers.get('location')!)![0];
    h.sim.checkout.expire(sessionId);
    await h.sim.webhooksIdle();
    const [p] = rows<{ status: string }>(
      await h.t.deps.db.execute(sql`select status from credit_purchases where user_id = ${u.id}`),
    );
    expect(p.status).toBe('canceled');
    expect(await (await page(u.token, '/account/credits')).text()).toContain('Cancelled');
  });

  it('a card that needs authentication: failing it charges nothing, completing it pays', async () => {
    const u = await h.user();
    const r = await form(u.token, '/account/credits/checkout', {
      package_id: 'starter-100',
      idempotency_key: crypto.randomUUID(),
    });
    const url = r.headers.get('location')!;
    const challenge = await pay(url, '4000002500003155');
    expect(challenge.status).toBe(303);
    const auth = new URL(challenge.headers.get('location')!, url).toString();
    const auth2 = (outcome: string) =>
      fetch(auth, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `outcome=${outcome}`,
      });
    const failed = await auth2('fail');
    expect(failed.status).toBe(402);
    expect(await failed.text()).toContain('unable to authenticate');
    await pay(url, '4000002500003155');
    const ok = await auth2('complete');
    expect(ok.status).toBe(303);
    await h.sim.webhooksIdle();
    expect(await balance(u.token)).toBe(100);
  });

  it('receipt and refund request: refunded once even when the form is sent twice; credits taken back', async () => {
    const u = await h.user();
    const r = await form(u.token, '/account/credits/checkout', {
      package_id: 'starter-100',
      idempotency_key: crypto.randomUUID(),
    });
    await pay(r.headers.get('location')!, '4242424242424242');
    await h.sim.webhooksIdle();
    const [p] = rows<{ id: string }>(
      await h.t.deps.db.execute(sql`select id from credit_purchases where user_id = ${u.id}`),
    );
    const receipt = await page(u.token, `/account/credits/purchases/${p.id}`);
    expect(await receipt.text()).toContain('Request a refund');
    const key = crypto.randomUUID();
    const [x, y] = await Promise.all([
      form(u.token, `/account/credits/purchases/${p.id}/refund`, { idempotency_key: key }),
      form(u.token, `/account/credits/purchases/${p.id}/refund`, { idempotency_key: key }),
    ]);
    expect([x.status, y.status].sort()).toContain(303);
    await h.sim.webhooksIdle();
    expect(await count(sql`select count(*)::int as n from credit_refunds where purchase_id = ${p.id}`)).toBe(1);
    expect(await balance(u.token)).toBe(0);
    const after = await (await page(u.token, `/account/credits/purchases/${p.id}`)).text();
    expect(after).toContain('already requested');
  });

  it('spends credits on a readiness review once per form; too few credits is a clear message', async () => {
    const prov = await addProvider(h.t.deps.db);
    const s = await addScholarship(h.t.deps.db, prov.id, { title: 'Readiness Test Award', deadline: '2099-01-01' });
    const poor = await h.user();
    const refused = await form(poor.token, `/account/reviews/${s.slug}`, { idempotency_key: crypto.randomUUID() });
    expect(refused.status).toBe(402);
    expect(await refused.text()).toContain('costs 25 credits');

    const u = await h.user();
    const r = await form(u.token, '/account/credits/checkout', {
      package_id: 'starter-100',
      idempotency_key: crypto.randomUUID(),
    });
    await pay(r.headers.get('location')!, '4242424242424242');
    await h.sim.webhooksIdle();
    const key = crypto.randomUUID();
    const [a, b] = await Promise.all([
      form(u.token, `/account/reviews/${s.slug}`, { idempotency_key: key }),
      form(u.token, `/account/reviews/${s.slug}`, { idempotency_key: key }),
    ]);
    expect([a.status, b.status]).toEqual([303, 303]);
    // A new form (new key) for the same review does not charge again either.
    await form(u.token, `/account/reviews/${s.slug}`, { idempotency_key: crypto.randomUUID() });
    expect(await balance(u.token)).toBe(75);
    const review = await (await page(u.token, `/account/reviews/${s.slug}`)).text();
    expect(review).toContain('Your readiness');
    const history = await (await page(u.token, '/account/credits')).text();
    expect(history).toContain('Readiness review: Readiness Test Award');
    expect(history).toContain('−25');
    await expect(h.t.deps.db.execute(sql`update credit_spends set credits = 0`)).rejects.toThrow();
    // Spent credits cannot be refunded, through the API either (the wallet never goes negative).
    const [p] = rows<{ id: string }>(
      await h.t.deps.db.execute(sql`select id from credit_purchases where user_id = ${u.id}`),
    );
    const refused2 = await h.refund(u.token, p.id, crypto.randomUUID());
    expect(refused2.status).toBe(409);
    expect((await refused2.json()).code).toBe('PURCHASE_NOT_REFUNDABLE');
    expect(await balance(u.token)).toBe(75);
  });

  it('forms from another site are refused (CSRF) and anonymous visitors are sent to log in', async () => {
    const u = await h.user();
    const evil = await h.t.request('/account/credits/checkout', {
      method: 'POST',
      headers: {
        cookie: `${ACCESS_COOKIE}=${u.token}`,
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'package_id=starter-100&idempotency_key=k-evil',
    });
    expect(evil.status).toBe(403);
    const anon = await h.t.request('/account/credits');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toMatch(/^\/login/);
  });
});
