import { Hono, type Context } from 'hono';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import { requireAuth } from '../auth/middleware.ts';
import { ProblemError } from '../http/problem.ts';
import { readJson, readBodyText } from '../http/validate.ts';
import { creditPurchases, creditRefunds } from '../db/schema/payments.ts';
import {
  beginIdempotentRequest,
  readIdempotencyKey,
  type FirstPhase,
  type Operation,
} from '../idempotency/key-store.ts';
import { requestFingerprint } from '../idempotency/fingerprint.ts';
import { LockLostError } from '../idempotency/atomic-phase.ts';
import { walletCredits } from '../ledger/balance.ts';
import { verifyStripeEvent } from './settlement/1-verify-webhook.ts';
import { handleStripeEvent } from './settlement/2-inbox.ts';
import { CREDIT_PACKAGES, findPackage, packageJson } from './packages.ts';
import { insertPurchase, runPurchase } from './purchase-phases.ts';
import type { Outcome } from '../idempotency/phase-driver.ts';
import { runRefund } from './refund-phases.ts';
import { purchaseJson } from './views.ts';
import { stripeFor } from './psp.ts';
import { paymentsOpsSnapshot } from './ops.ts';
import type { PaymentsContext } from './context.ts';
import type { IdempotencyKeyRow } from '../idempotency/key-store.ts';

const PurchaseBody = z.strictObject({
  package_id: z.string().min(1).max(64),
  payment_method: z
    .string()
    .regex(/^pm_[A-Za-z0-9_]{1,100}$/, 'must be a Stripe PaymentMethod id (pm_…)')
    .optional(),
});
const RefundBody = z.strictObject({ amount: z.number().int().positive().max(100_000_000).optional() });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Credits API, the Stripe webhook and the payments ops view. See docs/payments.md. */
export function paymentsRoutes(deps: AppDeps) {
  const app = new Hono();
  const lockTimeoutMs = deps.env.IDEMPOTENCY_LOCK_TIMEOUT_SECONDS * 1000;

  function context(): PaymentsContext {
    const stripe = stripeFor(deps.env);
    if (!stripe)
      throw new ProblemError(
        'PAYMENTS_UNAVAILABLE',
        'Payments are not configured on this server (STRIPE_SECRET_KEY is unset)',
      );
    return { db: deps.db, stripe, env: deps.env, log: deps.log, observer: deps.phaseObserver };
  }

  /**
   * Shared by purchase and refund (the caller has read the key): begin (or replay), run the phases,
   * answer. `firstPhase` commits with a new key (see `beginIdempotentRequest`).
   */
  async function idempotent(
    c: Context,
    key: string,
    operation: Operation,
    body: Record<string, unknown>,
    params: Record<string, unknown>,
    run: (ctx: PaymentsContext, key: IdempotencyKeyRow, requestId: string) => Promise<Outcome>,
    firstPhase?: FirstPhase,
  ) {
    const ctx = context();
    const user = c.get('user')!;
    const begun = await beginIdempotentRequest(
      deps.db,
      {
        userId: user.sub,
        key,
        operation,
        lockTimeoutMs,
        params,
        fingerprint: requestFingerprint(c.req.method, c.req.path, body),
      },
      firstPhase,
    );
    if (begun.kind === 'replay') return reply({ status: begun.status, body: begun.body }, true);
    // A new key's one commit passes `started` and whatever point its first phase reached.
    const observe = ctx.observer;
    if (observe && (begun.created || begun.key.recoveryPoint === 'started')) observe(operation, 'started');
    if (observe && begun.created && begun.key.recoveryPoint !== 'started') observe(operation, begun.key.recoveryPoint);
    try {
      return reply(await run(ctx, begun.key, c.get('requestId')), false);
    } catch (e) {
      if (e instanceof LockLostError)
        throw new ProblemError(
          'IDEMPOTENCY_IN_PROGRESS',
          'Another run of this Idempotency-Key took over; retry shortly for its result',
          undefined,
          { 'retry-after': '1' },
        );
      throw e;
    }
  }

  app.get('/api/credits/packages', (c) => c.json({ items: CREDIT_PACKAGES.map(packageJson), next_cursor: null }));

  app.get('/api/credits/balance', requireAuth(deps), async (c) =>
    c.json({ credits: await walletCredits(deps.db, c.get('user')!.sub) }),
  );

  app.post('/api/credits/purchases', requireAuth(deps), async (c) => {
    const key = readIdempotencyKey(c.req.header('idempotency-key'));
    const body = await readJson(c, PurchaseBody);
    if (!findPackage(body.package_id))
      throw new ProblemError('VALIDATION_FAILED', 'Unknown credit package', [
        { path: 'package_id', message: 'no such package' },
      ]);
    let stored: Awaited<ReturnType<typeof insertPurchase>> | undefined;
    const storePurchase: FirstPhase = async (tx) => {
      stored = await insertPurchase(tx, c.get('user')!.sub, body, c.get('requestId'));
      return { point: 'purchase_created', resourceId: stored.id };
    };
    return idempotent(
      c,
      key,
      'purchase.create',
      body,
      body,
      (ctx, k, requestId) => runPurchase(ctx, k, requestId, stored),
      storePurchase,
    );
  });

  app.get('/api/credits/purchases/:id', requireAuth(deps), async (c) => {
    const id = c.req.param('id');
    const user = c.get('user')!;
    if (!UUID.test(id)) throw new ProblemError('NOT_FOUND', 'No such purchase');
    const owner = user.role === 'admin' ? undefined : eq(creditPurchases.userId, user.sub);
    const [p] = await deps.db
      .select()
      .from(creditPurchases)
      .where(and(eq(creditPurchases.id, id), owner));
    if (!p) throw new ProblemError('NOT_FOUND', 'No such purchase');
    const refunds = await deps.db
      .select()
      .from(creditRefunds)
      .where(eq(creditRefunds.purchaseId, id))
      .orderBy(desc(creditRefunds.createdAt));
    return c.json(purchaseJson(p, refunds));
  });

  app.post('/api/credits/purchases/:id/refunds', requireAuth(deps), async (c) => {
    const key = readIdempotencyKey(c.req.header('idempotency-key'));
    const id = c.req.param('id');
    if (!UUID.test(id)) throw new ProblemError('NOT_FOUND', 'No such purchase');
    const body = await optionalJson(c);
    const asAdmin = c.get('user')!.role === 'admin';
    return idempotent(
      c,
      key,
      'refund.create',
      body,
      { purchase_id: id, amount: body.amount, as_admin: asAdmin },
      runRefund,
    );
  });

  app.post('/webhooks/stripe', async (c) => {
    const secret = deps.env.STRIPE_WEBHOOK_SECRET;
    if (!secret) throw new ProblemError('PAYMENTS_UNAVAILABLE', 'STRIPE_WEBHOOK_SECRET is unset');
    const ctx = context();
    // The signature covers the exact bytes: read the raw text, never a re-serialized parse.
    const raw = await readBodyText(c);
    const event = await verifyStripeEvent(ctx.stripe, raw, c.req.header('stripe-signature'), secret);
    if (!event)
      throw new ProblemError(
        'WEBHOOK_SIGNATURE_INVALID',
        'The Stripe-Signature header does not match the body, or is older than the tolerance',
      );
    const outcome = await handleStripeEvent(ctx, event, c.get('requestId'));
    return c.json({ received: true, event_id: event.id, outcome });
  });

  app.get('/api/ops/payments', requireAuth(deps, 'admin'), async (c) => c.json(await paymentsOpsSnapshot(deps.db)));

  return app;
}

/** The refund body is optional (no body = refund what is left), but a body must be JSON: never guess an amount. */
async function optionalJson(c: Context): Promise<z.infer<typeof RefundBody>> {
  if (c.req.header('content-type')) return readJson(c, RefundBody);
  if ((await readBodyText(c)).trim() !== '')
    throw new ProblemError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  return {};
}

function reply(o: Outcome, replayed: boolean): Response {
  const problemBody = o.status >= 400;
  const headers = new Headers({ 'content-type': problemBody ? 'application/problem+json' : 'application/json' });
  if (replayed) headers.set('idempotency-replayed', 'true');
  return new Response(JSON.stringify(o.body), { status: o.status, headers });
}
