/**
 * Line 1: the journeys a student, a provider, a crawler and an uptime monitor take, in Chromium
 * through the gateway (JavaScript on, desktop width), plus crawler and monitor requests from their
 * allowlisted addresses. A failed step saves a screenshot into the report folder.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, newContext } from '../../../test/support/browser.ts';
import type { GateContext } from '../context.ts';
import { type Check, check } from '../types.ts';

/** An address inside the seed's Googlebot ranges (gateway/rules/crawlers.json) and the monitor's probe. */
const GOOGLEBOT = { ip: '66.249.66.1', ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' };
const MONITOR_IP = '192.0.2.10';
/** The demo accounts locally; a deployment's QA accounts from GATE_STUDENT_* / GATE_PROVIDER_*. */
const DEMO_PROVIDER = {
  email: process.env.GATE_PROVIDER_EMAIL ?? 'provider@demo.gatehouse.test',
  password: process.env.GATE_PROVIDER_PASSWORD ?? 'demo-provider-pass',
};
const DEMO_STUDENT = {
  email: process.env.GATE_STUDENT_EMAIL ?? 'student@demo.gatehouse.test',
  password: process.env.GATE_STUDENT_PASSWORD ?? 'demo-student-pass',
};

async function submit(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields)) await page.fill(`form [name="${name}"]`, value);
  const form = page.locator(`form:has([name="${Object.keys(fields)[0]}"])`);
  await Promise.all([page.waitForLoadState('load'), form.locator('button[type=submit]').first().click()]);
}

export async function accessLine(ctx: GateContext): Promise<Check[]> {
  const checks: Check[] = [];
  const browser = await launchBrowser();
  const shots = path.join(ctx.opts.reportDir, 'screenshots');
  const gw = ctx.gatewayUrl;
  try {
    const context = await newContext(browser);
    await context.setExtraHTTPHeaders(ctx.qaHeaders);
    const page = await context.newPage();
    const step = async (name: string, fn: () => Promise<string>) => {
      const started = Date.now();
      try {
        const evidence = await fn();
        checks.push(check(name, true, `${evidence} (${Date.now() - started} ms)`));
      } catch (e) {
        const file = path.join(shots, `${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        checks.push(check(name, false, (e as Error).message.split('\n')[0], { screenshots: [file] }));
      }
    };
    const visit = async (p: string) => {
      const res = await page.goto(`${gw}${p}`);
      if (res?.status() !== 200) throw new Error(`${p} answered ${res?.status()}`);
      return res;
    };
    await step('home page', async () => {
      await visit('/');
      return `"${await page.title()}"`;
    });
    let detail = '';
    await step('scholarship list and detail', async () => {
      await visit('/scholarships');
      detail = (await page.locator('a[href^="/scholarships/"]').first().getAttribute('href')) ?? '';
      if (!detail) throw new Error('no scholarship link on the list page');
      await visit(detail);
      return `${detail}: "${await page.locator('h1').first().textContent()}"`;
    });
    await step('search with a typo', async () => {
      await visit('/search?q=nursng');
      const links = await page.locator('main a[href^="/scholarships/"]').count();
      if (links === 0) throw new Error('no results for "nursng"');
      return `${links} results for "nursng"`;
    });
    const email = `gate-browser-${Date.now()}@example.test`;
    const password = `gate-browser-pass-${Date.now()}`;
    await step('signup', async () => {
      await visit('/signup');
      await submit(page, { name: 'Gate Browser', email, password });
      const errors = await page.locator('.error, [role=alert]').allTextContents();
      if (errors.some((e) => e.trim())) throw new Error(`signup refused: ${errors.join(' ')}`);
      const mail = await fetch(`${gw}/api/dev/mailbox?to=${encodeURIComponent(email)}`);
      return `answered on ${new URL(page.url()).pathname}; welcome mail ${mail.status === 200 ? 'sent' : `mailbox ${mail.status}`}`;
    });
    await step('login', async () => {
      await visit('/login');
      await submit(page, { email, password });
      if (page.url().includes('/login')) throw new Error('login did not leave /login');
      return `landed on ${new URL(page.url()).pathname}`;
    });
    await step('logout', async () => {
      const button = page.locator('form[action="/logout"] button');
      if ((await button.count()) === 0) throw new Error('no Log out control on the page');
      await Promise.all([page.waitForLoadState('load'), button.first().click()]);
      if ((await page.locator('form[action="/logout"] button').count()) > 0) throw new Error('still logged in');
      return `logged out, on ${new URL(page.url()).pathname}`;
    });
    await step('password reset through the mail link', async () => {
      await context.clearCookies();
      await visit('/reset-password');
      await submit(page, { email });
      // The dev mailbox answers loopback clients only: no QA source address on this request.
      const mail = await fetch(`${gw}/api/dev/mailbox?to=${encodeURIComponent(email)}`);
      if (mail.status !== 200) throw new Error(`mailbox answered ${mail.status}`);
      const text = await mail.text();
      const link = /https?:\/\/[^\s"\\]+\/reset-password\?token=[A-Za-z0-9_-]+/.exec(text)?.[0];
      if (!link) throw new Error('no reset link in the mail');
      await page.goto(link.replace(/^https?:\/\/[^/]+/, gw));
      await submit(page, { password: `${password}-new` });
      await visit('/login');
      await submit(page, { email, password: `${password}-new` });
      if (page.url().includes('/login')) throw new Error('the new password does not log in');
      return 'reset mail received, new password set and used';
    });
    await step('recommendations for a student with a profile', async () => {
      await context.clearCookies();
      await visit('/login');
      await submit(page, DEMO_STUDENT);
      const res = await page.goto(`${gw}/account`);
      if (res?.status() !== 200) throw new Error(`/account answered ${res?.status()}`);
      const links = await page.locator('main a[href^="/scholarships/"]').count();
      const text = (await page.locator('main').textContent()) ?? '';
      if (!/recommend/i.test(text) || links === 0) throw new Error('no recommended scholarships on /account');
      return `/account lists ${links} scholarship links with recommendations`;
    });
    await step('provider portal login', async () => {
      await context.clearCookies();
      await visit('/provider/login');
      await submit(page, DEMO_PROVIDER);
      if (!new URL(page.url()).pathname.startsWith('/provider')) throw new Error(`landed on ${page.url()}`);
      return `portal at ${new URL(page.url()).pathname}`;
    });
    await context.close();
    checks.push(...(await machines(ctx, detail)));
  } finally {
    await browser.close();
  }
  return checks;
}

/** Crawler and monitor: robots, sitemap, detail pages answer 200 and are not limited below policy. */
async function machines(ctx: GateContext, detail: string): Promise<Check[]> {
  const out: Check[] = [];
  for (const who of [
    { name: 'verified Googlebot', headers: { 'cf-connecting-ip': GOOGLEBOT.ip, 'user-agent': GOOGLEBOT.ua } },
    { name: 'uptime monitor', headers: { 'cf-connecting-ip': MONITOR_IP, 'user-agent': 'GatehouseUptime/1.0' } },
  ]) {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++)
      for (const p of ['/robots.txt', '/sitemap.xml', detail || '/scholarships']) {
        const res = await fetch(`${ctx.gatewayUrl}${p}`, { headers: who.headers });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
    const bad = statuses.filter((s) => s !== 200);
    out.push(
      check(
        `${who.name}: robots, sitemap, detail pages`,
        bad.length === 0,
        `${statuses.length} requests: ${statuses.length - bad.length} × 200${bad.length ? `, others: ${[...new Set(bad)].join(', ')}` : ''}`,
      ),
    );
  }
  return out;
}
