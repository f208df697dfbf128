import { expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freePort, startStack, type Stack } from '../../support/stack.ts';
import { startPspSim, type PspSim } from '../../support/psp-sim/index.ts';
import { launchBrowser, seriousAxeViolations } from '../../support/browser.ts';

const WHSEC = 'whsec_e2e_browser_money';

export interface MoneyStack {
  stack: Stack;
  sim: PspSim;
  browser: Browser;
  url: (path: string) => string;
  close(): Promise<void>;
}

/**
 * The product as a student's browser meets it: Chromium → gateway (workerd) → backend, the
 * Stripe SDK against the PSP simulator, whose hosted checkout page the browser visits and whose
 * signed webhooks go through the gateway. PUBLIC_URL is the gateway's address, so Checkout's
 * success and cancel URLs lead back through it.
 */
export async function startMoneyStack(): Promise<MoneyStack> {
  const sim = await startPspSim({ webhookSecret: WHSEC });
  const port = await freePort();
  const stack = await startStack({
    gateways: [{ port }],
    backendEnv: {
      STRIPE_SECRET_KEY: 'sk_test_e2e_browser_money',
      STRIPE_WEBHOOK_SECRET: WHSEC,
      STRIPE_API_BASE: sim.url,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
  });
  sim.setWebhookUrl(`${stack.gatewayUrl}/webhooks/stripe`);
  const browser = await launchBrowser();
  return {
    stack,
    sim,
    browser,
    url: (path) => `${stack.gatewayUrl}${path}`,
    async close() {
      await browser.close();
      await sim.webhooksIdle();
      await sim.close();
      await stack.stop();
    },
  };
}

/** No serious or critical axe-core findings on the page as it is now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const found = await seriousAxeViolations(page);
  expect(found, `axe on ${what}`).toEqual([]);
}

/** Nothing wider than the viewport (375 px phones scroll only vertically). */
export async function expectNoSideScroll(page: Page, what: string): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `page width of ${what}`).toBeLessThanOrEqual(page.viewportSize()!.width);
}

/**
 * Signs up a new student through the form, then logs in through the login form (both work without
 * JavaScript); the browser is then logged in. Signup does not log in by itself: it answers the same
 * for a registered address (no account enumeration) and sends the browser to /login.
 */
export async function signUp(page: Page, base: (p: string) => string, tag: string): Promise<string> {
  const email = `${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.test`;
  const password = 'a-long-browser-password-42';
  await page.goto(base('/signup'));
  await page.fill('input[name=name]', 'Dana Buyer');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(/\/login\?signup=sent$/), page.getByRole('button', { name: 'Sign up' }).click()]);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(/\/scholarships/), page.getByRole('button', { name: 'Log in' }).click()]);
  return email;
}

/** Pays on the simulator's hosted checkout page. */
export async function payWithCard(page: Page, card: string): Promise<void> {
  await page.fill('input[name=card_number]', card);
  await page.fill('input[name=expiry]', '12 / 34');
  await page.fill('input[name=cvc]', '123');
  await page.fill('input[name=name]', 'Dana Buyer');
  await page.click('button[type=submit]');
  await page.waitForLoadState('load');
}
