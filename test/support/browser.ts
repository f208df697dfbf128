import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium; `.ci/run` installs it with apt when missing. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a closed network: without the background-networking ones Chromium keeps trying to
 * reach Google's hosts, and this machine refuses every such connection.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where failure screenshots go (git-ignored). */
export const SCREENSHOT_DIR = path.resolve('.artifacts/screenshots');

/** Phone and desktop widths every journey is checked at. */
export const VIEWPORTS = {
  phone: { width: 375, height: 812 },
  desktop: { width: 1280, height: 800 },
} as const;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A fresh context (own cookies) at one of the standard widths, optionally with JavaScript off. */
export function newContext(
  browser: Browser,
  opts: { viewport?: keyof typeof VIEWPORTS; javaScript?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    viewport: VIEWPORTS[opts.viewport ?? 'desktop'],
    javaScriptEnabled: opts.javaScript ?? true,
  });
}

/**
 * Runs `fn` with a page; on failure saves a full-page screenshot named after `name` under
 * SCREENSHOT_DIR, prints where, and rethrows.
 */
export async function withPage<T>(context: BrowserContext, name: string, fn: (page: Page) => Promise<T>): Promise<T> {
  const page = await context.newPage();
  try {
    return await fn(page);
  } catch (e) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    console.error(`screenshot of the failed step: ${file}`);
    throw e;
  } finally {
    await page.close();
  }
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/** Injects axe-core (from npm) into the page and returns its serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= (await import('node:fs')).readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v: { id: string; impact: string | null; help: string; nodes: unknown[] }) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
    }));
  });
  return (result as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
