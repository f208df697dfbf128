/**
 * Credits in a real browser through the gateway: buying through the (simulated) hosted Stripe
 * Checkout, a declined card, spending credits, a refund request; without JavaScript at 375 px and
 * with it at 1280 px; axe-core on every credits page type.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { addProvider, addScholarship } from '../../support/catalog-fixtures.ts';
import { newContext, withPage } from '../../support/browser.ts';
import {
  expectAccessible,
  expectNoSideScroll,
  payWithCard,
  signUp,
  startMoneyStack,
  type MoneyStack,
} from './money-stack.ts';

let m: MoneyStack;
let slug: string;
beforeAll(async () => {
  m = await startMoneyStack();
  const p = await addProvider(m.stack.database.db, 'Harbor Lights Foundation');
  const s = await addScholarship(m.stack.database.db, p.id, {
    title: 'Harbor Lights Nursing Award',
    deadline: '2099-03-31',
    essayRequired: true,
  });
  slug = s.slug;
});
afterAll(async () => {
  await m?.close();
});

const rows = <T>(r: unknown) => (r as { rows?: T[] }).rows ?? (r as T[]);
async function count(q: ReturnType<typeof sql>): Promise<number> {
  return Number(rows<{ n: number }>(await m.stack.database.db.execute(q))[0].n);
}
const grantsOf = (email: string) =>
  count(sql`select count(*)::int as n from ledger_transactions t join credit_purchases p on p.id = t.purchase_id
    join users u on u.id = p.user_id where u.email = ${email} and t.kind = 'credit_grant'`);

describe('credits in the browser', () => {
  it('JS on, 1280 px: a double-submitted form and duplicated webhooks grant once; every page passes axe', async () => {
    const ctx = await newContext(m.browser, { viewport: 'desktop' });
    await withPage(ctx, 'credits-js-desktop', async (page) => {
      const email = await signUp(page, m.url, 'buyer-js');
      await page.goto(m.url('/account/credits'));
      expect(await page.textContent('#balance')).toBe('0 credits');
      await expectAccessible(page, 'credits page');

      // The same Buy form (same hidden key) sent three times: twice in the background, once for real.
      m.sim.faults.duplicateWebhooks = true;
      const created = m.sim.checkout.created;
      const form = page.locator('form[action="/account/credits/checkout"]').first();
      const statuses = await form.evaluate(async (f: HTMLFormElement) => {
        const body = new URLSearchParams(new FormData(f) as unknown as Record<string, string>);
        const send = () => fetch(f.action, { method: 'POST', body, redirect: 'manual' }).then((r) => r.type);
        return Promise.all([send(), send()]);
      });
      expect(statuses).toEqual(['opaqueredirect', 'opaqueredirect']);
      await Promise.all([page.waitForURL(/\/c\/pay\/cs_test_/), form.locator('button').click()]);
      expect(m.sim.checkout.created).toBe(created + 1);

      await payWithCard(page, '4242 4242 4242 4242');
      await page.waitForURL(/\/account\/credits\/return\?session_id=cs_test_/);
      await page.getByText('100 credits were added').waitFor({ timeout: 15_000 });
      await expectAccessible(page, 'return page');
      await m.sim.webhooksIdle();
      m.sim.faults.duplicateWebhooks = false;
      expect(await grantsOf(email)).toBe(1);
      // Back to the paid checkout (a reload or a second submit): redirected, nothing charged again.
      const charges = m.sim.state.stats.chargesSucceeded;
      await page.goBack();
      expect(m.sim.state.stats.chargesSucceeded).toBe(charges);

      await page.goto(m.url('/account/credits'));
      expect(await page.textContent('#balance')).toBe('100 credits');
      await page.click('a[href^="/account/credits/purchases/"]');
      await page.getByRole('heading', { name: 'Receipt' }).waitFor();
      await expectAccessible(page, 'receipt page');
      await page.goto(m.url('/account/reviews'));
      await expectAccessible(page, 'reviews page');
      await page.goto(m.url(`/account/reviews/${slug}`));
      await expectAccessible(page, 'review page (locked)');
      await page.goto(m.url('/account/credits/cancel'));
      await expectAccessible(page, 'cancel page');
    });
    await ctx.close();
  });

  it('JS off, 375 px: decline charges nothing; pay; spend on a review; refund policy; refund request', async () => {
    const ctx = await newContext(m.browser, { viewport: 'phone', javaScript: false });
    await withPage(ctx, 'credits-nojs-phone', async (page) => {
      const email = await signUp(page, m.url, 'buyer-nojs');
      await page.goto(m.url('/account/credits'));
      const failed = m.sim.state.stats.chargesFailed;
      const succeeded = m.sim.state.stats.chargesSucceeded;
      await Promise.all([
        page.waitForURL(/\/c\/pay\/cs_test_/),
        page.click('form[action="/account/credits/checkout"] >> nth=0 >> button'),
      ]);
      await payWithCard(page, '4000 0000 0000 0002');
      await page.getByRole('alert').getByText('Your card was declined.').waitFor();
      expect(m.sim.state.stats.chargesFailed).toBe(failed + 1);
      expect(m.sim.state.stats.chargesSucceeded).toBe(succeeded);
      await m.sim.webhooksIdle();
      await page.goto(m.url('/account/credits'));
      expect(await page.textContent('#balance')).toBe('0 credits');
      expect(await page.textContent('body')).toContain('Payment failed, nothing charged');

      // Pay for a new package (a fresh form, so a new purchase) and wait for the webhook's grant.
      await Promise.all([
        page.waitForURL(/\/c\/pay\/cs_test_/),
        page.click('form[action="/account/credits/checkout"] >> nth=0 >> button'),
      ]);
      await payWithCard(page, '4242424242424242');
      await page.getByText('100 credits were added').waitFor({ timeout: 15_000 });
      expect(await grantsOf(email)).toBe(1);

      await page.goto(m.url(`/account/reviews/${slug}`));
      await Promise.all([page.waitForURL(/unlocked=1/), page.click('button:has-text("Unlock for 25 credits")')]);
      expect(await page.textContent('body')).toContain('Your readiness');
      expect(await page.textContent('body')).toContain('An essay is required');
      await page.goto(m.url('/account/credits'));
      expect(await page.textContent('#balance')).toBe('75 credits');
      expect(await page.textContent('body')).toContain('Readiness review: Harbor Lights Nursing Award');

      // Some of the first purchase's credits are spent: the policy sends that refund to support.
      const receipts = page.locator('a[href^="/account/credits/purchases/"]');
      await receipts.first().click();
      expect(await page.textContent('body')).toContain('were spent');

      // A purchase whose credits are all unspent is refunded from its receipt.
      await page.goto(m.url('/account/credits'));
      await Promise.all([
        page.waitForURL(/\/c\/pay\/cs_test_/),
        page.click('form[action="/account/credits/checkout"] >> nth=1 >> button'),
      ]);
      await payWithCard(page, '4242424242424242');
      await page.getByText('500 credits were added').waitFor({ timeout: 15_000 });
      await page.click('a:has-text("View the receipt")');
      await Promise.all([page.waitForURL(/refund=requested/), page.click('button:has-text("Request a refund")')]);
      expect(await page.textContent('body')).toContain('Your refund was requested.');
      await m.sim.webhooksIdle();
      await page.goto(m.url('/account/credits'));
      expect(await page.textContent('#balance')).toBe('75 credits');
      expect(await count(sql`select count(*)::int as n from credit_refunds`)).toBe(1);
    });
    await ctx.close();
  });

  it('JS on, 375 px: the credits pages fit a phone', async () => {
    const ctx = await newContext(m.browser, { viewport: 'phone' });
    await withPage(ctx, 'credits-js-phone', async (page) => {
      await signUp(page, m.url, 'buyer-phone');
      for (const path of [
        '/account/credits',
        '/account/reviews',
        `/account/reviews/${slug}`,
        '/account/credits/cancel',
      ]) {
        await page.goto(m.url(path));
        await expectNoSideScroll(page, path);
      }
      await expectAccessible(page, 'cancel page at 375 px');
    });
    await ctx.close();
  });
});
