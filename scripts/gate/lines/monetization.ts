/**
 * Line 2: a purchase grants credits once; a re-delivered webhook (also after a 500 from us)
 * credits once; kill -9 at each purchase recovery point, restart, recovery finishes it with one
 * charge and one grant; a refund; no duplicates; the ledger balances; reconciliation matches 100%.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../backend/src/db/client.ts';
import { unbalancedTransactions } from '../../../backend/src/ledger/balance.ts';
import { createStripe } from '../../../backend/src/payments/psp.ts';
import { PURCHASE_RECOVERY_POINTS } from '../../../backend/src/payments/purchase-phases.ts';
import { REFUND_RECOVERY_POINTS } from '../../../backend/src/payments/refund-phases.ts';
import { reconcile, reconcileOk } from '../../../backend/src/payments/reconcile.ts';
import { type Account, credits, purchase, signupAndLogin, waitFor } from '../api-client.ts';
import { edgeFetch, type GateContext, guarded } from '../context.ts';
import { launchBrowser, newContext } from '../../../test/support/browser.ts';
import { type Check, check } from '../types.ts';

export async function monetizationLine(
  ctx: GateContext,
  hooks: { beforeLedgerChecks?: () => Promise<void> } = {},
): Promise<Check[]> {
  const local = ctx.local;
  const checks: Check[] = [];
  const buyer = await signupAndLogin(ctx, 'buyer');
  checks.push(...(await guarded('buy credits in the browser (hosted checkout)', () => browserCheckout(ctx))));
  checks.push(
    ...(await guarded('purchase grants credits once', async () => {
      const key = `gate-buy-${Date.now()}`;
      const r = await purchase(ctx, buyer, key);
      const replay = await purchase(ctx, buyer, key);
      const got = await waitFor('credits', async () => {
        const c = await credits(ctx, buyer);
        return c >= 100 ? c : undefined;
      });
      return check(
        'purchase grants credits once (and a retry replays it)',
        r.status === 201 && replay.id === r.id && got === 100,
        `${r.status} → ${got} credits; retry with the same key → ${replay.status}, same purchase: ${replay.id === r.id} (request ${r.requestId})`,
      );
    })),
  );
  if (!local) {
    checks.push({
      name: 'restart scenario',
      verdict: 'unchecked',
      evidence: 'not checkable remotely (needs process control)',
    });
    return checks;
  }
  checks.push(...(await guarded('webhook retry credits once', () => webhookRetry(ctx))));
  checks.push(...(await guarded('restart scenario', () => restartScenario(ctx))));
  checks.push(...(await guarded('refund', () => refund(ctx, buyer))));
  await hooks.beforeLedgerChecks?.();
  checks.push(...(await guarded('ledger and PSP agree', () => ledgerChecks(ctx))));
  return checks;
}

/** The student's way: log in, /account/credits, Buy, pay on the hosted checkout page, back with credits. */
async function browserCheckout(ctx: GateContext): Promise<Check> {
  const a = await signupAndLogin(ctx, 'browser-buyer');
  const browser = await launchBrowser();
  try {
    const context = await newContext(browser);
    await context.setExtraHTTPHeaders(ctx.qaHeaders);
    const page = await context.newPage();
    await page.goto(`${ctx.gatewayUrl}/login`);
    await page.fill('form [name="email"]', a.email);
    await page.fill('form [name="password"]', a.password);
    await Promise.all([
      page.waitForLoadState('load'),
      page.locator('form:has([name="email"]) button[type=submit]').click(),
    ]);
    await page.goto(`${ctx.gatewayUrl}/account/credits`);
    const buy = page.locator('form[action="/account/credits/checkout"] button').first();
    await Promise.all([page.waitForURL(/\/c\/pay\//), buy.click()]);
    await page.fill('input[name=card_number]', '4242 4242 4242 4242');
    await page.fill('input[name=expiry]', '12 / 34');
    await page.fill('input[name=cvc]', '123');
    await page.fill('input[name=name]', 'Gate Buyer');
    await Promise.all([
      page.waitForURL(/\/account\/credits\/return/),
      page.locator('form button[type=submit]').first().click(),
    ]);
    const got = await waitFor('checkout credits', async () => {
      const c = await credits(ctx, a);
      return c > 0 ? c : undefined;
    });
    await ctx.local?.sim.webhooksIdle();
    const after = await credits(ctx, a);
    return check(
      'buy credits in the browser (hosted checkout)',
      got === after && after > 0,
      `paid with a test card on the hosted page; ${after} credits granted once`,
    );
  } finally {
    await browser.close();
  }
}

async function webhookRetry(ctx: GateContext): Promise<Check> {
  const local = ctx.local!;
  const a = await signupAndLogin(ctx, 'webhook');
  // The PSP delivers every event twice, and our first answer to a webhook is a 500: Stripe retries.
  local.sim.faults.duplicateWebhooks = true;
  local.faults.failNext('/webhooks/stripe', 1);
  const r = await purchase(ctx, a, 'gate-webhook-1');
  await local.sim.webhooksIdle();
  local.sim.faults.duplicateWebhooks = false;
  const got = await credits(ctx, a);
  return check(
    'webhook re-delivered (twice, and after a 500 from us) credits once',
    r.status === 201 && got === 100 && local.faults.failed() >= 1,
    `${got} credits for one 100-credit purchase; ${local.faults.failed()} webhook answered 500 on purpose, every event delivered twice`,
  );
}

async function restartScenario(ctx: GateContext): Promise<Check[]> {
  const local = ctx.local!;
  const checks: Check[] = [];
  for (const point of PURCHASE_RECOVERY_POINTS) {
    const a = await signupAndLogin(ctx, `crash-${point}`);
    const charges0 = local.sim.state.stats.chargesSucceeded;
    ctx.progress(`monetization: kill -9 at "${point}", restart, recover`);
    await local.restartBackend({ PAYMENTS_CRASH_AT: point });
    ctx.intentionalKills++;
    const proc = local.backend();
    const died = new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r(0) : proc.once('exit', r)));
    const first = await purchase(ctx, a, `gate-crash-${point}`).catch(() => ({ status: 0 }));
    await died;
    await local.restartBackend();
    // Recovery finishes the key (the retry replays it), then the grant lands (webhook or recovery).
    await waitFor(`recovery after "${point}"`, async () =>
      (await purchase(ctx, a, `gate-crash-${point}`)).status === 201 ? true : undefined,
    );
    const balance = await waitFor(`credits after "${point}"`, async () => {
      const c = await credits(ctx, a);
      return c > 0 ? c : undefined;
    }).catch(() => 0);
    await local.sim.webhooksIdle();
    const charged = local.sim.state.stats.chargesSucceeded - charges0;
    checks.push(
      check(
        `kill -9 after "${point}": one charge, one grant`,
        charged === 1 && balance === 100,
        `first answer ${first.status}; after restart ${balance} credits, ${charged} charge(s) at the PSP`,
      ),
    );
  }
  for (const point of REFUND_RECOVERY_POINTS) checks.push(await refundCrash(ctx, point));
  return checks;
}

/** kill -9 right after a refund commit passes `point`, restart: the refund happens once at the PSP. */
async function refundCrash(ctx: GateContext, point: string): Promise<Check> {
  const local = ctx.local!;
  const a = await signupAndLogin(ctx, `refund-crash-${point}`);
  const bought = await purchase(ctx, a, `gate-refund-crash-buy-${point}`);
  await waitFor('the purchase to credit', async () => ((await credits(ctx, a)) === 100 ? true : undefined));
  ctx.progress(`monetization: kill -9 at refund "${point}", restart, recover`);
  await local.restartBackend({ PAYMENTS_CRASH_AT: `refund.${point}` });
  ctx.intentionalKills++;
  const proc = local.backend();
  const died = new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r(0) : proc.once('exit', r)));
  const send = () =>
    edgeFetch(ctx, `/api/credits/purchases/${bought.id}/refunds`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${a.token}`,
        'idempotency-key': `gate-refund-crash-${point}`,
      },
      body: '{}',
    });
  const first = await send().then(
    (r) => r.status,
    () => 0,
  );
  await died;
  await local.restartBackend();
  const after = await waitFor(`refund recovery after "${point}"`, async () => {
    const r = await send();
    if (r.status !== 201) return undefined;
    const c = await credits(ctx, a);
    return c === 0 ? c : undefined;
  });
  const pi = local.sim.state
    .ofType('payment_intent')
    .find((p) => (p.metadata as Record<string, string>).purchase_id === bought.id);
  const refunds = local.sim.state.ofType('refund').filter((r) => r.payment_intent === pi?.id);
  return check(
    `kill -9 after refund "${point}": one refund at the PSP, credits revoked once`,
    refunds.length === 1 && after === 0,
    `first answer ${first}; after restart ${refunds.length} refund(s) at the PSP, ${after} credits left of 100`,
  );
}

async function refund(ctx: GateContext, a: Account): Promise<Check> {
  const before = await credits(ctx, a);
  const r = await purchase(ctx, a, `gate-refund-${Date.now()}`);
  await waitFor('the purchase to credit', async () => ((await credits(ctx, a)) === before + 100 ? true : undefined));
  const res = await edgeFetch(ctx, `/api/credits/purchases/${r.id}/refunds`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${a.token}`,
      'idempotency-key': `gate-refund-${r.id}`,
    },
    body: '{}',
  });
  const body = (await res.json().catch(() => ({}))) as { status?: string };
  const after = await waitFor('the refund to revoke the credits', async () => {
    const c = await credits(ctx, a);
    return c === before ? c : undefined;
  }).catch(() => undefined);
  return check(
    'refund revokes the credits it bought',
    res.status === 201 && after === before,
    `refund ${res.status} (${body.status ?? '-'}); credits ${before} → ${before + 100} → ${after ?? 'not back'}`,
  );
}

async function ledgerChecks(ctx: GateContext): Promise<Check[]> {
  const local = ctx.local!;
  const db = local.database.db;
  if (!db)
    return [
      { name: 'ledger', verdict: 'amber', evidence: 'embedded PGlite: the ledger is read through the dashboard only' },
    ];
  await local.sim.webhooksIdle();
  const dupes = rowsOf<{ purchase_id: string; n: number }>(
    await db.execute(
      sql`select purchase_id, count(*)::int as n from ledger_transactions where kind = 'credit_grant' group by purchase_id having count(*) > 1`,
    ),
  );
  const pis = local.sim.state.ofType('payment_intent');
  const perPurchase = new Map<string, number>();
  for (const pi of pis) {
    const p = (pi.metadata as Record<string, string>).purchase_id;
    if (p) perPurchase.set(p, (perPurchase.get(p) ?? 0) + 1);
  }
  const doubleCharged = [...perPurchase].filter(([, n]) => n > 1);
  const unbalanced = await unbalancedTransactions(db);
  const stripe = createStripe({ STRIPE_SECRET_KEY: 'sk_test_gate_local', STRIPE_API_BASE: local.sim.url })!;
  const report = await reconcile(db, stripe, { since: ctx.startedAt });
  return [
    check(
      'duplicates = 0',
      dupes.length === 0 && doubleCharged.length === 0,
      `${dupes.length} purchases granted twice, ${doubleCharged.length} charged twice`,
    ),
    check('ledger balanced', unbalanced.length === 0, `${unbalanced.length} unbalanced transactions`),
    check(
      'reconciliation 100% matched',
      reconcileOk(report) && report.matched === report.checked,
      `${report.matched}/${report.checked} matched`,
    ),
  ];
}
