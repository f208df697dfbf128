import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../backend/src/db/seed.ts';
import { launchBrowser, newContext, seriousAxeViolations, withPage } from '../../support/browser.ts';
import { freePort, startStack, type Stack } from '../../support/stack.ts';

/**
 * Anonymous journeys in Chromium through the gateway (workerd) on the demo catalog: home, browse
 * with filters and paging, detail, search with a typo, error pages (404, WAF 403, 429), at phone
 * and desktop widths, with JavaScript off, and an axe-core scan of every page type.
 */
let stack: Stack;
let browser: Browser;
let base: string;
beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  [stack, browser] = await Promise.all([
    startStack({ gateways: [{ port }], backendEnv: { PUBLIC_URL: base } }),
    launchBrowser(),
  ]);
  await seedDemo(stack.database.db, { count: 300 });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('browsing without an account', () => {
  it.each(['phone', 'desktop'] as const)('home → browse → filter → next/previous → detail, JS off, %s', async (vp) => {
    const context = await newContext(browser, { viewport: vp, javaScript: false });
    await withPage(context, `browse-${vp}`, async (page) => {
      await page.goto(`${base}/`);
      expect(await page.locator('h1').textContent()).toBe('Find scholarships you qualify for');
      await page.getByRole('link', { name: 'Browse all scholarships →' }).click();
      expect(new URL(page.url()).pathname).toBe('/scholarships');
      const total = await page.locator('p[role=status] strong').textContent();
      expect(total).toMatch(/^\d+ scholarships$/);
      await page.getByLabel('Min. amount').fill('$2,500');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      expect(new URL(page.url()).searchParams.get('min_amount')).toBe('$2,500');
      const filtered = Number((await page.locator('p[role=status] strong').textContent())!.split(' ')[0]);
      expect(filtered).toBeGreaterThan(0);
      expect(filtered).toBeLessThan(Number(total!.split(' ')[0]));
      await page.getByRole('link', { name: 'Next page →' }).click();
      const firstOnTwo = await page.locator('article h3 a').first().textContent();
      await page.getByRole('link', { name: '← Previous page' }).click();
      expect(new URL(page.url()).searchParams.has('cursor')).toBe(false);
      expect(await page.locator('article h3 a').first().textContent()).not.toBe(firstOnTwo);
      // Nothing may overflow the phone's width.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      expect(overflow).toBe(false);
      await page.locator('article h3 a').first().click();
      expect(page.url()).toMatch(/\/scholarships\/[a-z0-9-]+$/);
      expect(await page.locator('main').textContent()).toMatch(/Closes (today|tomorrow|in \d+ days)/);
      expect(await page.getByRole('heading', { name: 'How to apply' }).count()).toBe(1);
      expect(await page.getByRole('link', { name: /^Apply on .+’s website/ }).count()).toBe(1);
      expect(await page.getByRole('link', { name: 'Log in to save this scholarship' }).count()).toBe(1);
      expect(await page.locator('meta[property="og:title"]').count()).toBe(1);
    });
    await context.close();
  });

  it('search with typos: corrected only to a query with more results, JS off', async () => {
    const context = await newContext(browser, { javaScript: false, viewport: 'phone' });
    await withPage(context, 'search-typo', async (page) => {
      await page.goto(`${base}/search`);
      await page.getByLabel('Search', { exact: true }).fill('nursing scholarshp');
      await page.getByRole('button', { name: 'Search' }).click();
      const main = (await page.locator('main').textContent())!;
      expect(main).toContain('Showing results for nursing scholarship');
      expect(main).not.toContain('No scholarships match');
      expect(await page.locator('article').count()).toBeGreaterThan(0);
      await page.goto(`${base}/search?q=fist+generation`);
      expect(await page.locator('main').textContent()).toContain('Showing results for first generation');
      await page.goto(`${base}/search?q=nursing&min_amount=abc`);
      expect(await page.getByRole('alert').textContent()).toContain('whole dollar amount, like 2550 or $2,550');
    });
    await context.close();
  });

  it('error pages: 404 in the layout; WAF 403 with request id; 429 says how long to wait', async () => {
    const context = await newContext(browser);
    await withPage(context, 'errors', async (page) => {
      const nf = await page.goto(`${base}/no-such-page`);
      expect(nf!.status()).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('Page not found');
      expect(await page.getByRole('link', { name: 'Browse scholarships' }).count()).toBeGreaterThan(0);

      // Form posts are where the WAF blocks (GETs are monitored): markup typed into the signup form.
      await page.goto(`${base}/signup`);
      await page.getByLabel('Name').fill('<script>alert(document.cookie)</script>');
      await page.getByLabel('Email').fill(`waf.${Date.now()}@example.test`);
      await page.getByLabel('Password').fill('a long enough passphrase');
      const [waf] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${base}/signup` && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Sign up' }).click(),
      ]);
      expect(waf.status()).toBe(403);
      expect(await page.locator('h1').textContent()).toBe('Your request was blocked for safety');
      const rid = waf.headers()['x-request-id'];
      expect(rid).toBeTruthy();
      expect(await page.locator('main').textContent()).toContain(rid);
      expect(await page.getByRole('link', { name: 'Contact support' }).getAttribute('href')).toBe('/contact');

      // The per-account login limit (10 per 15 minutes) through the real form, then one more.
      const email = `limited.${Date.now()}@example.test`;
      for (let i = 0; i < 10; i++) {
        const r = await fetch(`${base}/login`, {
          method: 'POST',
          headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          body: new URLSearchParams({ email, password: 'not the password' }),
        });
        expect(r.status).toBe(401);
      }
      await page.goto(`${base}/login`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('not the password');
      const [limited] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${base}/login` && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Log in' }).click(),
      ]);
      expect(limited.status()).toBe(429);
      const wait = Number(limited.headers()['retry-after']);
      expect(wait).toBeGreaterThan(0);
      expect(await page.locator('h1').textContent()).toBe('Too many requests: please wait a moment');
      expect(await page.locator('main').textContent()).toMatch(
        /Please wait (\d+ seconds?|\d+ minutes|about \d+ hours?)/,
      );
      expect(await page.locator('header nav').count()).toBe(1);
      expect(await seriousAxeViolations(page)).toEqual([]);
    });
    await context.close();
  });

  it('axe-core: no serious or critical violations on each page type', async () => {
    const context = await newContext(browser);
    const slug = await (async () => {
      const r = (await (await fetch(`${base}/api/scholarships?limit=1`)).json()) as { items: { slug: string }[] };
      return r.items[0].slug;
    })();
    const pages = [
      '/',
      '/scholarships',
      '/scholarships?state=ZZ',
      `/scholarships/${slug}`,
      '/search?q=nursing',
      '/login',
      '/signup',
      '/logout',
      '/privacy',
      '/no-such-page',
    ];
    // One tab for all of them: each goto is a new document, and the tab's renderer keeps axe compiled
    // (a fresh tab per page spent ~1.4 s more CPU per page starting a renderer and compiling axe again).
    await withPage(context, 'axe-pages', async (page) => {
      for (const path of pages) {
        await page.goto(`${base}${path}`);
        expect(await seriousAxeViolations(page), path).toEqual([]);
      }
    });
    await context.close();
  });
});
