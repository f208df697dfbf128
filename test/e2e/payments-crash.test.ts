/**
 * Crash tests: the backend process is SIGKILLed right after each purchase recovery point commits
 * (test-only PAYMENTS_CRASH_AT), restarted on the same database, and must settle everything:
 * one charge per purchase at the PSP, one credit grant, a balanced ledger, reconcile 100% matched.
 *
 * No gateway here: the test signs its API calls like the gateway, and the simulator's webhook
 * delivery adds the gateway signature too (in production webhooks pass through the gateway).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { backendArgv, freePort } from '../support/stack.ts';
import { TEST_GATEWAY_SECRET } from '../support/backend.ts';
import { startPspSim, type PspSim } from '../support/psp-sim/index.ts';
import { signedRequestInit } from '../support/sign.ts';
import { generateSigningJwk, loadSigningKeys } from '../../backend/src/auth/keys.ts';
import { signAccessToken } from '../../backend/src/auth/tokens.ts';
import { users } from '../../backend/src/db/schema/users.ts';
import { createStripe } from '../../backend/src/payments/psp.ts';
import { reconcile, formatReport, reconcileOk } from '../../backend/src/payments/reconcile.ts';
import { unbalancedTransactions } from '../../backend/src/ledger/balance.ts';
import { PURCHASE_RECOVERY_POINTS } from '../../backend/src/payments/purchase-phases.ts';

const WHSEC = 'whsec_e2e_crash';
const STRIPE_KEY = 'sk_test_e2e_crash';
const rows = <T>(r: unknown) => (r as { rows?: T[] }).rows ?? (r as T[]);

let db: TestDatabase;
let sim: PspSim;
let port: number;
let base: string;
let jwk: string;
let child: ChildProcess | undefined;
const started = new Date(Date.now() - 60_000);

/** Headers as the gateway would send them, signed over the method, path, body and credential. */
async function gatewayHeaders(method: string, pathAndQuery: string, extra: Record<string, string>, body?: string) {
  const init = await signedRequestInit(new URL(pathAndQuery, 'http://backend.test'), { method, headers: extra, body });
  return init.headers;
}

async function startBackend(extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-crash-'));
  const proc = spawn(process.execPath, backendArgv(), {
    env: {
      ...process.env,
      GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
      DATABASE_URL: db.url,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      JWT_PRIVATE_JWK: jwk,
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET: WHSEC,
      STRIPE_API_BASE: sim.url,
      IDEMPOTENCY_LOCK_TIMEOUT_SECONDS: '1',
      PAYMENTS_RECOVERY_INTERVAL_SECONDS: '1',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`backend exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(1000) })).ok) return proc;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error('backend not ready');
}

function exited(proc: ChildProcess): Promise<NodeJS.Signals | number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.signalCode ?? proc.exitCode);
  return new Promise((r) => proc.once('exit', (code, signal) => r(signal ?? code)));
}

async function stopBackend() {
  if (!child) return;
  if (child.exitCode === null && child.signalCode === null) {
    const done = exited(child);
    child.kill('SIGTERM');
    await done;
  }
  child = undefined;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  jwk = JSON.stringify(await generateSigningJwk());
  sim = await startPspSim({
    webhookSecret: WHSEC,
    webhookUrl: `${base}/webhooks/stripe`,
    // Webhooks reach the backend as if through the gateway: add its signature.
    deliver: async (url, body, headers) => {
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: await gatewayHeaders('POST', '/webhooks/stripe', headers, body),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      return { status: res.status };
    },
  });
});

afterAll(async () => {
  await stopBackend();
  await sim?.close();
  await db?.close();
});

const crashPoints = PURCHASE_RECOVERY_POINTS;

describe('SIGKILL at each purchase recovery point, then restart', () => {
  it.each(crashPoints)('crash right after "%s" commits → recovery settles it once', async (point) => {
    const keys = await loadSigningKeys({ privateJwk: jwk, dataDir: os.tmpdir() });
    const [u] = await db.db
      .insert(users)
      .values({ email: `crash-${point}-${Date.now()}@example.test`, passwordHash: 'x', name: 'Crash' })
      .returning({ id: users.id });
    const token = await signAccessToken(
      { keys, issuer: 'gatehouse', audience: 'gatehouse-api' },
      { sub: u.id, role: 'student' },
    );
    const charges0 = sim.state.stats.chargesSucceeded;
    const body = JSON.stringify({ package_id: 'standard-500', payment_method: 'pm_card_visa' });
    const purchase = async () =>
      fetch(`${base}/api/credits/purchases`, {
        method: 'POST',
        body,
        headers: await gatewayHeaders(
          'POST',
          '/api/credits/purchases',
          {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            'idempotency-key': `crash-${point}`,
          },
          body,
        ),
      });

    child = await startBackend({ PAYMENTS_CRASH_AT: point });
    const died = exited(child);
    await expect(purchase()).rejects.toThrow(); // the process died mid-request
    expect(await died).toBe('SIGKILL');

    child = await startBackend();
    // Recovery (on start and every second) must finish the key and settle the purchase.
    const settled = await waitFor('the purchase to settle', async () => {
      const [r] = rows<{ id: string; status: string; recovery_point: string }>(
        await db.db.execute(sql`
        select p.id, p.status, k.recovery_point from idempotency_keys k left join credit_purchases p on p.id = k.resource_id
        where k.user_id = ${u.id}`),
      );
      return r?.status === 'succeeded' && r.recovery_point === 'finished' ? r : undefined;
    });
    // The client's retry gets the one purchase.
    const retry = await purchase();
    expect(retry.status).toBe(201);
    expect((await retry.json()).id).toBe(settled.id);

    expect(sim.state.stats.chargesSucceeded - charges0).toBe(1);
    const pis = sim.state
      .ofType('payment_intent')
      .filter((pi) => (pi.metadata as Record<string, string>).purchase_id === settled.id);
    expect(pis).toHaveLength(1);
    const [grants] = rows<{ n: number }>(
      await db.db.execute(
        sql`select count(*)::int as n from ledger_transactions where purchase_id = ${settled.id} and kind = 'credit_grant'`,
      ),
    );
    expect(grants.n).toBe(1);
    const balance = await fetch(`${base}/api/credits/balance`, {
      headers: await gatewayHeaders('GET', '/api/credits/balance', { authorization: `Bearer ${token}` }),
    });
    expect(await balance.json()).toEqual({ credits: 500 });
    expect(await unbalancedTransactions(db.db)).toEqual([]);
    // The outbox relay in the restarted process sends the receipt, once.
    const mails = await waitFor('the receipt mail', async () => {
      const [m] = rows<{ n: number }>(
        await db.db.execute(
          sql`select count(*)::int as n from mailbox m join users u on u.email = m.to_address where u.id = ${u.id} and m.body like ${'%' + settled.id + '%'}`,
        ),
      );
      return m.n > 0 ? m.n : undefined;
    });
    expect(mails).toBe(1);
    await stopBackend();
  });

  it('reconcile reports 100% matched after all crashes', async () => {
    // Not waiting for webhooks: the backend is down, so the PSP's retries would only sleep; the
    // ledger must already match from recovery alone.
    const stripe = createStripe({ STRIPE_SECRET_KEY: STRIPE_KEY, STRIPE_API_BASE: sim.url })!;
    const report = await reconcile(db.db, stripe, { since: started });
    expect(formatReport(report)).toContain('RESULT: OK');
    expect(reconcileOk(report)).toBe(true);
    expect(report.checked).toBe(crashPoints.length * 3);
    expect(report.matched).toBe(report.checked);
  });
});
