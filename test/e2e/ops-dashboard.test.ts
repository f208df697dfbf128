/**
 * The ops dashboard as an operator uses it: the whole product on separate processes (gateway on
 * workerd with Redis through the Upstash bridge, backend on Postgres with the demo data, the PSP
 * simulator), traffic that makes every panel move (a WAF block, a 429, a purchase, a replay, a
 * refund), then Chromium logs in as the demo admin and reads /ops: all green. Stopping the Redis
 * bridge turns the access line red; killing the PSP simulator turns monetization red. Screenshots
 * go to .artifacts/ops/ (git-ignored); the paths are printed.
 * Also: both metrics endpoints parse as Prometheus text, and 10,000 requests with random paths and
 * addresses leave the series count bounded.
 */
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startStack, type Stack } from '../support/stack.ts';
import { startPspSim, type PspSim } from '../support/psp-sim/index.ts';
import { startRedisBridge, type RedisBridge } from '../support/redis-bridge/server.ts';
import { launchBrowser, newContext, withPage } from '../support/browser.ts';
import { limitsWithTimeouts } from '../support/limits-rules.ts';
import { parsePrometheusText } from '../../shared/ops/prom-text.ts';
import { DEMO_ACCOUNTS } from '../../backend/src/db/seed.ts';

const WHSEC = 'whsec_e2e_ops';
const METRICS_TOKEN = `metrics-${randomUUID()}`;
const GATEWAY_METRICS_TOKEN = `gw-metrics-${randomUUID()}`;
const SHOTS = path.resolve('.artifacts/ops');
const admin = DEMO_ACCOUNTS.find((a) => a.role === 'admin')!;

let stack: Stack;
let sim: PspSim;
let bridge: RedisBridge;
let browser: Browser;
let rulesDir: string;
let ipSeq = 1;
/** TEST-NET-3 addresses: outside the QA allowlist (198.51.100.0/24), so rate limits apply. */
const freshIp = () => `203.0.113.${ipSeq++}`;

beforeAll(async () => {
  const token = `bridge-${randomUUID()}`;
  // The shipped policies with 2 s Redis timeouts instead of 150-250 ms: on 2 busy CPUs a bridge
  // round trip can take longer, and this test counts limits; degrading is ratelimit-outage's.
  rulesDir = limitsWithTimeouts('gateway/rules/limits.yaml', () => 2000);
  bridge = await startRedisBridge({ token });
  sim = await startPspSim({ webhookSecret: WHSEC });
  const gatewayPort = await freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  stack = await startStack({
    gateways: [{ port: gatewayPort }],
    backendEnv: {
      SEED_DEMO: 'true',
      PUBLIC_URL: gatewayUrl,
      STRIPE_SECRET_KEY: 'sk_test_e2e_ops',
      STRIPE_WEBHOOK_SECRET: WHSEC,
      STRIPE_API_BASE: sim.url,
      METRICS_TOKEN,
      GATEWAY_METRICS_URL: `${gatewayUrl}/__gateway/metrics`,
      GATEWAY_METRICS_TOKEN,
    },
    gatewayEnv: {
      UPSTASH_REDIS_REST_URL: bridge.url,
      UPSTASH_REDIS_REST_TOKEN: token,
      RATE_LIMIT_PREFIX: `test:e2e-ops:${randomUUID()}`,
      GATEWAY_RULES_DIR: rulesDir,
      GATEWAY_METRICS_TOKEN,
    },
  });
  sim.setWebhookUrl(`${stack.gatewayUrl}/webhooks/stripe`);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close().catch(() => undefined);
  await stack?.stop();
  await bridge?.close();
  if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
});

async function call(p: string, init: RequestInit & { token?: string; ip?: string; json?: unknown } = {}) {
  const headers = new Headers(init.headers);
  headers.set('cf-connecting-ip', init.ip ?? freshIp());
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  const res = await fetch(`${stack.gatewayUrl}${p}`, {
    ...init,
    method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}

async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`ops dashboard screenshot: ${file}`);
  return file;
}

/** One panel, small enough for the runbook (docs/runbooks/img/ holds copies of these). */
async function shotPanel(page: Page, id: string, name: string): Promise<void> {
  mkdirSync(path.join(SHOTS, 'panels'), { recursive: true });
  await page.locator(`#panel-${id}`).screenshot({ path: path.join(SHOTS, 'panels', `${name}.png`) });
}

const lightOf = (page: Page, line: string) => page.getAttribute(`[data-line="${line}"]`, 'data-status');

describe('the ops dashboard through the gateway', () => {
  it('shows the traffic the test just sent, green on a healthy run', async () => {
    // A WAF block (critical SQL injection in a signup body).
    const waf = await call('/api/auth/signup', {
      json: {
        email: 'w@example.edu',
        password: 'correct horse battery',
        name: "x' UNION SELECT password FROM users--",
      },
    });
    expect(waf.status).toBe(403);
    // A 429: the per-account login policy allows 10 tries per 15 minutes, so the 11th is limited
    // (every try is counted: this stack's Redis timeouts are 2 s, see beforeAll).
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const r = await call('/api/auth/login', {
        ip,
        json: { email: 'nobody@example.test', password: 'not-the-password' },
      });
      statuses.push(r.status);
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    // A purchase, its replay and a refund, as a student.
    const email = `ops-buyer-${Date.now()}@example.test`;
    const password = 'a-long-buyer-password-42';
    expect((await call('/api/auth/signup', { json: { email, password, name: 'Ops Buyer' } })).status).toBe(202);
    const token = (await call('/api/auth/login', { json: { email, password } })).body.access_token as string;
    const body = { package_id: 'starter-100', payment_method: 'pm_card_visa' };
    const buy = await call('/api/credits/purchases', { token, headers: { 'idempotency-key': 'ops-1' }, json: body });
    expect(buy.status).toBe(201);
    const replay = await call('/api/credits/purchases', { token, headers: { 'idempotency-key': 'ops-1' }, json: body });
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    await sim.webhooksIdle();
    const refund = await call(`/api/credits/purchases/${buy.body.id}/refunds`, {
      token,
      headers: { 'idempotency-key': 'ops-refund-1' },
      json: {},
    });
    expect(refund.status).toBeLessThan(300);
    await sim.webhooksIdle();

    const context = await newContext(browser);
    await withPage(context, 'ops-dashboard-green', async (page) => {
      await page.goto(`${stack.gatewayUrl}/login`);
      await page.fill('input[name="email"]', admin.email);
      await page.fill('input[name="password"]', admin.password);
      await Promise.all([page.waitForURL('**/ops'), page.click('form button[type="submit"]')]);
      for (const id of ['status', 'requests', 'latency', 'waf', 'ratelimit', 'redis', 'payments', 'webhooks', 'auth'])
        expect(await page.isVisible(`#panel-${id}`)).toBe(true);
      const text = async (sel: string) => (await page.textContent(sel)) ?? '';
      expect(await text('#panel-waf')).toMatch(/SQLI/i);
      expect(await text('#panel-ratelimit')).toMatch(/auth-login-account/);
      expect(await text('#panel-payments')).toMatch(/replays\s*1/);
      expect(await text('#panel-payments')).toMatch(/succeeded|processing/);
      expect(await text('#panel-payments')).toMatch(/refunds in window/);
      expect(await text('#panel-webhooks')).toMatch(/processed/);
      expect(await text('#panel-auth')).toMatch(/logins failed\s*\d+/);
      expect(await page.getAttribute('[data-duplicates]', 'data-duplicates')).toBe('0');
      await shot(page, 'ops-dashboard-green');
      for (const id of ['status', 'requests', 'waf', 'ratelimit', 'redis', 'payments', 'webhooks', 'auth'])
        await shotPanel(page, id, `${id}-green`);
      const red = await page.$$eval('[data-line]', (els) =>
        els.filter((e) => e.getAttribute('data-status') === 'red').map((e) => e.textContent),
      );
      expect(red).toEqual([]);
      for (const line of ['access', 'monetization', 'security', 'observability'])
        expect.soft(await lightOf(page, line), line).toBe('green');
    });

    // Stop Redis (this test's own bridge): logins fail closed, the access light turns red.
    await bridge.stop();
    try {
      const r = await call('/api/auth/login', { json: { email: 'x@example.test', password: 'whatever-password' } });
      expect([429, 503]).toContain(r.status);
      await withPage(context, 'ops-dashboard-redis-down', async (page) => {
        await page.goto(`${stack.gatewayUrl}/ops?window=5m`);
        expect(await lightOf(page, 'access')).toBe('red');
        expect(await page.getAttribute('[data-line="access"]', 'data-status')).toBe('red');
        await shot(page, 'ops-dashboard-redis-down');
        await page.click('#panel-status summary');
        await shotPanel(page, 'status', 'status-redis-down');
        await shotPanel(page, 'redis', 'redis-down');
      });
    } finally {
      await bridge.start();
    }

    // Kill the PSP simulator: purchases fail, the monetization light turns red.
    await sim.close();
    const failed = await call('/api/credits/purchases', { token, headers: { 'idempotency-key': 'ops-2' }, json: body });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    await withPage(context, 'ops-dashboard-psp-down', async (page) => {
      await page.goto(`${stack.gatewayUrl}/ops?window=5m`);
      expect(await lightOf(page, 'monetization')).toBe('red');
      expect(await page.textContent('#panel-failures')).toContain(failed.body.request_id);
      await shot(page, 'ops-dashboard-psp-down');
      await shotPanel(page, 'failures', 'failures-psp-down');
    });
    await context.close();
  }, 180_000);

  it('both metrics endpoints parse as Prometheus text, and 10,000 random requests keep the series bounded', async () => {
    const rand = () => Math.random().toString(36).slice(2, 10);
    let sent = 0;
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        while (sent < 10_000) {
          const i = sent++;
          const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
          const p = i % 5 === 0 ? `/api/rnd${rand()}/${rand()}?q=${rand()}` : `/rnd${rand()}/${rand()}`;
          await (await fetch(`${stack.gatewayUrl}${p}`, { headers: { 'cf-connecting-ip': ip } })).arrayBuffer();
        }
      }),
    );
    const texts = {
      backend: await (
        await fetch(`${stack.backendUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      ).text(),
      gateway: await (
        await fetch(`${stack.gatewayUrl}/__gateway/metrics`, {
          headers: { authorization: `Bearer ${GATEWAY_METRICS_TOKEN}` },
        })
      ).text(),
    };
    const promtool =
      process.env.PROMTOOL ??
      (spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim() || undefined);
    for (const [name, text] of Object.entries(texts)) {
      const { samples } = parsePrometheusText(text);
      console.log(`${name} exposition after 10,000 random requests: ${samples.length} series`);
      expect(samples.length).toBeGreaterThan(10);
      // Bounded by route classes, patterns, rules and policies; 10,000 paths and addresses added none.
      expect(samples.length).toBeLessThan(1500);
      for (const s of samples) for (const v of Object.values(s.labels)) expect(v).not.toMatch(/^10\.\d+\.|rnd[a-z0-9]/);
      if (promtool) {
        // Prometheus's own parser and linter (Debian's prometheus package), when installed.
        const r = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
        expect(r.error).toBeUndefined();
        expect(r.stdout + r.stderr).not.toMatch(/error parsing/i);
      }
    }
  }, 180_000);
});
