/**
 * The provider portal in a real browser through the gateway: create → preview (a draft is the
 * provider's alone) → publish → close, plain-language validation, and stored markup and script
 * rendering inert on every page that shows the description; without JavaScript at 375 px, with it
 * at 1280 px; axe-core on each portal page type.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { addProvider } from '../../support/catalog-fixtures.ts';
import { hashPassword } from '../../../backend/src/auth/password.ts';
import { scholarships, users } from '../../../backend/src/db/schema/index.ts';
import { newContext, withPage } from '../../support/browser.ts';
import { expectAccessible, expectNoSideScroll, startMoneyStack, type MoneyStack } from './money-stack.ts';

let m: MoneyStack;
const PASSWORD = 'a-long-provider-password-42';
let email: string;
beforeAll(async () => {
  m = await startMoneyStack();
  const p = await addProvider(m.stack.database.db, 'Harbor Lights Foundation');
  email = `provider-${Date.now()}@example.test`;
  await m.stack.database.db.insert(users).values({
    email,
    passwordHash: await hashPassword(PASSWORD),
    name: 'Pat Provider',
    role: 'provider',
    providerId: p.id,
  });
});
afterAll(async () => {
  await m?.close();
});

async function logIn(page: Page) {
  await page.goto(m.url('/provider/login'));
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(/\/provider$/), page.click('button[type=submit]')]);
}

async function fillListing(page: Page, title: string, amount: string) {
  await page.fill('input[name=title]', title);
  await page.fill(
    'textarea[name=description]',
    'Supports <b>nursing</b> students in their second year.\n\nApply with a short essay.',
  );
  await page.fill('input[name=amount]', amount);
  await page.fill('input[name=deadline]', '2099-05-01');
  await page.check('input[name=levels][value=undergraduate]');
  await page.selectOption('select[name=fields]', ['nursing']);
}

/** Stored markup that must never run: script, event handler, javascript: link. */
const HOSTILE =
  '<p>Real <b>text</b></p><script>window.__xss=1</script><img src=x onerror="window.__xss=2">' +
  '<a href="javascript:window.__xss=3">click</a><svg onload="window.__xss=4"></svg>';

describe('provider portal in the browser', () => {
  it('JS off, 375 px: create (with a plain error first) → draft preview → publish → close', async () => {
    const ctx = await newContext(m.browser, { viewport: 'phone', javaScript: false });
    const anon = await newContext(m.browser, { viewport: 'phone', javaScript: false });
    await withPage(ctx, 'portal-nojs-phone', async (page) => {
      await logIn(page);
      expect(await page.textContent('body')).toContain('Harbor Lights Foundation');
      await page.click('a:has-text("Create a scholarship")');
      await fillListing(page, 'Harbor Lights Nursing Award', 'twelve hundred');
      await page.click('button:has-text("Save and preview")');
      await page.getByText('Enter the award in whole dollars').waitFor();
      await page.fill('input[name=amount]', '$2,550');
      await Promise.all([page.waitForURL(/\/preview\?saved=1/), page.click('button:has-text("Save and preview")')]);
      expect(await page.textContent('body')).toContain('Draft (only you can see it)');
      expect(await page.textContent('body')).toContain('$2,550');
      const [row] = await m.stack.database.db
        .select({ slug: scholarships.slug })
        .from(scholarships)
        .where(eq(scholarships.title, 'Harbor Lights Nursing Award'));
      const publicUrl = m.url(`/scholarships/${row.slug}`);
      const before = await withPage(anon, 'portal-anon', (p) => p.goto(publicUrl));
      expect(before?.status()).toBe(404);

      await Promise.all([page.waitForURL(/done=published/), page.click('button:has-text("Publish")')]);
      expect(await page.textContent('body')).toContain('Published: students can now find it.');
      const live = await withPage(anon, 'portal-anon', async (p) => {
        const r = await p.goto(publicUrl);
        return { status: r?.status(), text: await p.textContent('body') };
      });
      expect(live.status).toBe(200);
      expect(live.text).toContain('Harbor Lights Foundation');

      await Promise.all([page.waitForURL(/done=closed/), page.click('button[value=close]')]);
      expect(await page.textContent('body')).toContain('Closed (no longer listed)');
      const gone = await withPage(anon, 'portal-anon', (p) => p.goto(publicUrl));
      expect(gone?.status()).toBe(404);
    });
    await anon.close();
    await ctx.close();
  });

  it('stored markup and script stay inert on every page; the WAF refuses a script in the form', async () => {
    const ctx = await newContext(m.browser, { viewport: 'desktop' });
    await withPage(ctx, 'portal-inert', async (page) => {
      await logIn(page);
      // Typed into the form, a script is stopped at the gateway before it reaches the backend.
      await page.goto(m.url('/provider/scholarships/new'));
      await fillListing(page, 'Blocked Script Award', '1000');
      await page.fill('textarea[name=description]', '<script>alert(document.cookie)</script>');
      const [blocked] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/provider/scholarships') && r.request().method() === 'POST'),
        page.click('button:has-text("Save and preview")'),
      ]);
      expect(blocked.status()).toBe(403);

      // Content stored by any path (older data, imports) is sanitised when rendered.
      await page.goto(m.url('/provider/scholarships/new'));
      await fillListing(page, 'Inert Markup Award', '1500');
      await Promise.all([page.waitForURL(/\/preview\?saved=1/), page.click('button:has-text("Save and preview")')]);
      const id = /scholarships\/([0-9a-f-]+)\/preview/.exec(page.url())![1];
      await m.stack.database.db.update(scholarships).set({ description: HOSTILE }).where(eq(scholarships.id, id));
      await page.click('button:has-text("Publish")');
      const [row] = await m.stack.database.db.select().from(scholarships).where(eq(scholarships.id, id));
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      for (const path of [
        `/provider/scholarships/${id}/preview`,
        `/provider/scholarships/${id}/edit`,
        '/provider',
        `/scholarships/${row.slug}`,
        '/scholarships?sort=newest',
        '/search?q=inert+markup',
      ]) {
        await page.goto(m.url(path));
        await page.waitForLoadState('load');
        expect(await page.evaluate(() => (window as { __xss?: number }).__xss), path).toBeUndefined();
        // The edit form shows the stored text as text inside its textarea (checked by __xss above).
        const html = (await page.content()).replace(/<textarea[^>]*>[^<]*<\/textarea>/g, '');
        expect(html, path).not.toMatch(/<script>window|<img[^>]*onerror|<svg[^>]*onload|href="javascript:/);
      }
      expect(dialogs).toEqual([]);
      const detail = await page.goto(m.url(`/scholarships/${row.slug}`));
      expect(detail?.status()).toBe(200);
      expect(await page.innerHTML('main')).toContain('<b>text</b>');
    });
    await ctx.close();
  });

  it('JS on, 1280 px and 375 px: every portal page type passes axe and fits a phone', async () => {
    for (const viewport of ['desktop', 'phone'] as const) {
      const ctx = await newContext(m.browser, { viewport });
      await withPage(ctx, `portal-axe-${viewport}`, async (page) => {
        await logIn(page);
        await expectAccessible(page, `portal home (${viewport})`);
        await expectNoSideScroll(page, 'portal home');
        await page.goto(m.url('/provider/scholarships/new'));
        await expectAccessible(page, `new listing form (${viewport})`);
        await fillListing(page, `Axe Check Award ${viewport}`, '0');
        await page.click('button:has-text("Save and preview")');
        await page.getByRole('alert').waitFor();
        await expectAccessible(page, `form with errors (${viewport})`);
        await expectNoSideScroll(page, 'form with errors');
        await page.fill('input[name=amount]', '900');
        await Promise.all([page.waitForURL(/\/preview/), page.click('button:has-text("Save and preview")')]);
        await expectAccessible(page, `preview (${viewport})`);
        await expectNoSideScroll(page, 'preview');
        await page.click('a:has-text("Edit")');
        await expectAccessible(page, `edit form (${viewport})`);
      });
      await ctx.close();
    }
  });
});
