import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, seedDemo } from '../../../backend/src/db/seed.ts';
import { providers, scholarships, studentProfiles, users } from '../../../backend/src/db/schema/index.ts';
import { launchBrowser, newContext, seriousAxeViolations, withPage } from '../../support/browser.ts';
import { freePort, startStack, type Stack } from '../../support/stack.ts';

/**
 * Account journeys in Chromium through the gateway: signup (with its mail), login and return-to,
 * logout, password reset through the mailed link, profile → eligibility → recommendations, saving
 * a scholarship, provider login; JavaScript off where a form is the point; axe-core on account
 * pages; stored markup renders inert on every page that shows it.
 */
let stack: Stack;
let browser: Browser;
let base: string;
const PASSWORD = 'correct horse battery staple';
beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  [stack, browser] = await Promise.all([
    startStack({ gateways: [{ port }], backendEnv: { PUBLIC_URL: base } }),
    launchBrowser(),
  ]);
  await seedDemo(stack.database.db, { count: 200 });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function mails(to: string): Promise<{ subject: string; body: string }[]> {
  const r = await fetch(`${base}/api/dev/mailbox?to=${encodeURIComponent(to)}`);
  return ((await r.json()) as { items: { subject: string; body: string }[] }).items;
}
const email = (tag: string) => `${tag}.${Date.now()}.${Math.random().toString(36).slice(2, 6)}@example.test`;

async function signUp(page: Page, address: string, name = 'Aoife Byrne') {
  await page.goto(`${base}/signup`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(address);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
}
async function logIn(page: Page, address: string, password = PASSWORD) {
  await page.getByLabel('Email').fill(address);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}
const headerText = (page: Page) => page.locator('header').textContent();

describe('student account journeys', () => {
  it('signup → mail → login → header shows who → logout; a repeat signup answers the same', async () => {
    const context = await newContext(browser);
    const address = email('signup');
    await withPage(context, 'signup', async (page) => {
      await signUp(page, address);
      expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/login?signup=sent');
      const first = await page.locator('main').innerHTML();
      expect((await mails(address)).map((m) => m.subject)).toEqual(['Welcome to Gatehouse']);
      await signUp(page, address, 'Someone Else');
      expect(await page.locator('main').innerHTML()).toBe(first);
      expect((await mails(address)).map((m) => m.subject)).toContain('You already have a Gatehouse account');

      await logIn(page, address);
      expect(new URL(page.url()).pathname).toBe('/scholarships');
      expect(await headerText(page)).toContain(`Logged in as ${address}`);
      expect(await page.locator('header a[href="/account"]').count()).toBe(1);
      expect(await page.locator('header a[href="/account/credits"]').textContent()).toBe('Credits');
      await page.getByRole('button', { name: 'Log out' }).click();
      expect(new URL(page.url()).pathname).toBe('/');
      expect(await headerText(page)).toContain('Log in');
      await page.goto(`${base}/account`);
      expect(new URL(page.url()).pathname).toBe('/login');
    });
    await context.close();
  });

  it('return-to after login, save a scholarship, profile → eligibility → recommendations (JS off, 375 px)', async () => {
    const context = await newContext(browser, { viewport: 'phone', javaScript: false });
    const address = email('journey');
    await withPage(context, 'profile-journey', async (page) => {
      await signUp(page, address);
      const r = (await (await fetch(`${base}/api/scholarships?limit=1&field=nursing`)).json()) as {
        items: { slug: string; title: string }[];
      };
      const { slug, title } = r.items[0];
      await page.goto(`${base}/scholarships/${slug}`);
      await page.getByRole('link', { name: 'Log in to save this scholarship' }).click();
      await logIn(page, address);
      expect(new URL(page.url()).pathname).toBe(`/scholarships/${slug}`);
      await page.getByRole('button', { name: 'Save this scholarship' }).click();
      // With JavaScript off the click only waits for the form's navigation to start.
      const savedButton = page.getByRole('button', { name: 'Saved: remove from my list' });
      await savedButton.waitFor();
      expect(await savedButton.count()).toBe(1);

      await page.goto(`${base}/account`);
      const saved = page.locator('h2#saved ~ div article h3');
      expect(await saved.allTextContents()).toContain(title);
      const main = (await page.locator('main').textContent())!;
      expect(main).toContain('Fill in your profile');
      expect(main).not.toContain('/api/');

      await page.getByLabel('GPA (0 to 4)').fill('4.7');
      await page.getByRole('button', { name: 'Save profile' }).click();
      expect(await page.locator('#gpa-error').textContent()).toBe(
        'GPA must be a number from 0 to 4, like 3.4. Leave it empty if you do not have one.',
      );
      await page.getByLabel('Level of study').selectOption('undergraduate');
      await page.getByLabel('Field of study').fill('Nursing');
      await page.getByLabel('GPA (0 to 4)').fill('3.6');
      await page.getByLabel('State').selectOption('CA');
      await page.getByLabel('Citizenship').selectOption('us_citizen');
      await page.getByLabel('Interests (separated by commas)').fill('community service, public health');
      await page.getByRole('button', { name: 'Save profile' }).click();
      expect(await page.getByRole('status').textContent()).toContain('Your profile was saved');
      const eligible = page.locator('h2#eligibility ~ article');
      expect(await eligible.count()).toBeGreaterThan(0);
      expect(await page.locator('ul.reasons li').first().textContent()).toMatch(/^Meets: /);
      const recs = page.locator('h2#recommendations ~ article');
      expect(await recs.count()).toBeGreaterThan(0);
      expect(await page.getByLabel('GPA (0 to 4)').inputValue()).toBe('3.60');
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .map((e) => `${e.tagName}.${e.className}`),
      );
      expect(wide).toEqual([]);
      // Text overflows its box without widening it (a long email address): the page must not scroll sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

      await page.getByRole('button', { name: `Remove ${title} from saved` }).click();
      expect(await page.locator('main').textContent()).toContain('Nothing saved yet');
    });
    await context.close();
  });

  it('password reset through the mailed link (JS off), then login with the new password', async () => {
    const context = await newContext(browser, { javaScript: false });
    const address = email('reset');
    await withPage(context, 'reset', async (page) => {
      await signUp(page, address);
      await page.goto(`${base}/login`);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByLabel('Email').fill(address);
      await page.getByRole('button', { name: 'Send me a reset link' }).click();
      expect(await page.getByRole('status').textContent()).toContain('If an account exists');
      const mail = (await mails(address)).find((m) => /reset/i.test(m.subject))!;
      const link = /https?:\/\/\S+/.exec(mail.body)![0];
      expect(link.startsWith(`${base}/reset-password?token=`)).toBe(true);
      await page.goto(link);
      await page.getByLabel('New password').fill('a brand new passphrase');
      await page.getByRole('button', { name: 'Set password' }).click();
      expect(await page.getByRole('status').textContent()).toContain('Your password was changed');
      await logIn(page, address, 'a brand new passphrase');
      expect(await headerText(page)).toContain(`Logged in as ${address}`);
      await page.goto(`${base}/logout`);
      await page.locator('main').getByRole('button', { name: 'Log out' }).click();
      expect(await headerText(page)).toContain('Sign up');
    });
    await context.close();
  });

  it('provider login reaches the portal; the header shows the provider and Log out', async () => {
    const context = await newContext(browser, { viewport: 'phone' });
    const provider = DEMO_ACCOUNTS.find((a) => a.role === 'provider')!;
    await withPage(context, 'provider', async (page) => {
      await page.goto(`${base}/provider`);
      expect(new URL(page.url()).pathname).toBe('/provider/login');
      await logIn(page, provider.email, provider.password);
      expect(new URL(page.url()).pathname).toBe('/provider');
      expect(await headerText(page)).toContain(`Logged in as ${provider.email}`);
      expect(await page.locator('header a[href="/provider"]').count()).toBe(1);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Log out' }).click();
      expect(await headerText(page)).toContain('Providers');
    });
    await context.close();
  });

  it('stored markup and script from a student and a provider render inert on every page showing them', async () => {
    const db = stack.database.db;
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const [p] = await db
      .insert(providers)
      .values({ slug: `evil-${Date.now()}`, name: `Evil ${hostile} Org` })
      .returning();
    const [s] = await db
      .insert(scholarships)
      .values({
        slug: `inert-${Date.now()}`,
        providerId: p.id,
        title: `Inert Nursing ${hostile} Award`,
        description: `<p>Fine text.</p>${hostile}<a href="javascript:window.__pwned=3">x</a>`,
        amount: 999_999,
        deadline: '2099-01-01',
        fields: ['nursing'],
      })
      .returning();
    const address = email('inert');
    const context = await newContext(browser);
    await withPage(context, 'inert', async (page) => {
      let dialogs = 0;
      page.on('dialog', (d) => {
        dialogs++;
        void d.dismiss();
      });
      await signUp(page, address);
      const [u] = await db
        .update(users)
        .set({ name: `Mallory ${hostile}` })
        .where(eq(users.email, address))
        .returning();
      await db.insert(studentProfiles).values({
        userId: u.id,
        level: 'undergraduate',
        fieldOfStudy: `Nursing ${hostile}`.slice(0, 80),
        interests: [hostile.slice(0, 40), '<b>bold</b>'],
      });
      await page.goto(`${base}/login`);
      await logIn(page, address);
      await page.goto(`${base}/scholarships/${s.slug}`);
      await page.getByRole('button', { name: 'Save this scholarship' }).click();
      for (const path of [
        '/account',
        `/scholarships/${s.slug}`,
        '/scholarships?sort=amount',
        '/?',
        `/search?q=${encodeURIComponent('inert nursing')}`,
      ]) {
        await page.goto(`${base}${path}`);
        expect(await page.locator('main').textContent(), path).toMatch(/Inert Nursing|Mallory/);
        const injected = await page.evaluate(() => ({
          pwned: (window as unknown as { __pwned?: number }).__pwned,
          imgs: document.querySelectorAll('main img[src="x"], main img[onerror]').length,
          scripts: [...document.querySelectorAll('main script')].length,
          jsLinks: document.querySelectorAll('a[href^="javascript:"]').length,
        }));
        expect(injected, path).toEqual({ pwned: undefined, imgs: 0, scripts: 0, jsLinks: 0 });
      }
      expect(dialogs).toBe(0);
      await page.goto(`${base}/account`);
      expect(await page.getByLabel('Field of study').inputValue()).toContain('<img src=x');
      expect(await seriousAxeViolations(page)).toEqual([]);
    });
    await context.close();
  });
});
