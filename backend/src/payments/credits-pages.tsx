import { Hono, type Context } from 'hono';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import { renderPage } from '../pages/render.ts';
import { sameOrigin } from '../auth/csrf.ts';
import { readFormFields, validateForm } from '../auth/form.ts';
import { pageSession } from '../auth/page-session.ts';
import type { AccessClaims } from '../auth/tokens.ts';
import { creditPurchases, creditRefunds } from '../db/schema/payments.ts';
import { ProblemError } from '../http/problem.ts';
import { readIdempotencyKey } from '../idempotency/key-store.ts';
import { walletCredits } from '../ledger/balance.ts';
import type { Purchase } from './settlement/4-apply-payment-intent.ts';
import { runCheckout, type CheckoutAnswer } from './checkout-phases.ts';
import type { PaymentsContext } from './context.ts';
import { CancelPage, CreditsPage, ReceiptPage, ReturnPage } from './credits-views.tsx';
import { idempotentForm } from './form-idempotency.ts';
import { CREDIT_PACKAGES, findPackage } from './packages.ts';
import { stripeFor } from './psp.ts';
import { insertPurchase } from './purchase-phases.ts';
import { refundDecision } from './refund-policy.ts';
import { runRefund } from './refund-phases.ts';
import { listSpends } from './spend.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Stripe's Checkout Session ids (`cs_test_…`, `cs_live_…`). */
const SESSION_ID = /^cs_[A-Za-z0-9_]{1,200}$/;
const CheckoutForm = z.strictObject({ package_id: z.string().max(64), idempotency_key: z.string().max(255) });
const KeyOnlyForm = z.strictObject({ idempotency_key: z.string().max(255) });
/** Purchases listed on the credits page; older ones stay reachable by their receipt links. */
const HISTORY_LIMIT = 50;

type Status = 200 | 400 | 402 | 404 | 409 | 502 | 503;

/**
 * Sends a page that must not be cached (balances, receipts, one-time form keys), in the site layout
 * with the logged-in viewer in its header.
 */
export async function sendPage(c: Context, page: unknown, status: Status = 200) {
  const res = await renderPage(c, page, status);
  res.headers.set('cache-control', 'no-store');
  return res;
}

/** The logged-in viewer of an account page, or a redirect to log in. */
export async function accountViewer(c: Context, deps: AppDeps): Promise<AccessClaims | Response> {
  const claims = await pageSession(c, deps);
  return claims ?? c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
}

/** The message a page shows for a problem body (never a stack or the raw payload). */
export const problemDetail = (body: unknown, fallback: string) =>
  (body as { detail?: string } | null)?.detail ?? fallback;

/**
 * `/account/credits`: balance, packages bought through Stripe Checkout (return and cancel pages),
 * history, receipts and refund requests. See docs/payments.md, "Checkout".
 */
export function creditsPageRoutes(deps: AppDeps) {
  const app = new Hono();
  const csrf = sameOrigin(deps.env.PUBLIC_URL);
  const publicUrl = deps.env.PUBLIC_URL;
  const ctx = (): PaymentsContext | null => {
    const stripe = stripeFor(deps.env);
    return stripe ? { db: deps.db, stripe, env: deps.env, log: deps.log } : null;
  };

  async function creditsPage(c: Context, user: AccessClaims, status: Status = 200, notice: { error?: string } = {}) {
    const [balance, purchases, spends] = await Promise.all([
      walletCredits(deps.db, user.sub),
      deps.db
        .select()
        .from(creditPurchases)
        .where(eq(creditPurchases.userId, user.sub))
        .orderBy(desc(creditPurchases.createdAt))
        .limit(HISTORY_LIMIT),
      listSpends(deps.db, user.sub),
    ]);
    return sendPage(
      c,
      <CreditsPage balance={balance} packages={CREDIT_PACKAGES} purchases={purchases} spends={spends} {...notice} />,
      status,
    );
  }

  async function ownPurchase(userId: string, id: string): Promise<Purchase | undefined> {
    if (!UUID.test(id)) return undefined;
    const [p] = await deps.db
      .select()
      .from(creditPurchases)
      .where(and(eq(creditPurchases.id, id), eq(creditPurchases.userId, userId)));
    return p;
  }

  async function receiptPage(c: Context, user: AccessClaims, p: Purchase, status: Status = 200, error?: string) {
    const [refunds, balance] = await Promise.all([
      deps.db
        .select()
        .from(creditRefunds)
        .where(eq(creditRefunds.purchaseId, p.id))
        .orderBy(desc(creditRefunds.createdAt)),
      walletCredits(deps.db, user.sub),
    ]);
    const ok = c.req.query('refund') === 'requested' ? 'Your refund was requested.' : undefined;
    const decision = refundDecision(p, refunds, balance, deps.now());
    return sendPage(c, <ReceiptPage purchase={p} refunds={refunds} decision={decision} error={error} ok={ok} />, status);
  }

  app.get('/account/credits', async (c) => {
    const user = await accountViewer(c, deps);
    return user instanceof Response ? user : creditsPage(c, user);
  });

  app.post('/account/credits/checkout', csrf, async (c) => {
    const user = await accountViewer(c, deps);
    if (user instanceof Response) return user;
    const form = validateForm(await readFormFields(c), CheckoutForm);
    if (!form.ok || !findPackage(form.data.package_id))
      return creditsPage(c, user, 400, { error: 'Choose one of the packages below.' });
    const key = readIdempotencyKey(form.data.idempotency_key);
    const payments = ctx();
    if (!payments) return creditsPage(c, user, 503, { error: 'Buying credits is not available right now.' });
    const packageId = form.data.package_id;
    let stored: Purchase | undefined;
    try {
      const out = await idempotentForm(
        deps,
        c,
        {
          userId: user.sub,
          key,
          operation: 'checkout.create',
          body: { package_id: packageId },
          params: {
            package_id: packageId,
            success_url: `${publicUrl}/account/credits/return?session_id={CHECKOUT_SESSION_ID}`,
            cancel_url: `${publicUrl}/account/credits/cancel`,
            ...(user.email ? { email: user.email } : {}),
          },
          firstPhase: async (tx) => {
            stored = await insertPurchase(tx, user.sub, { package_id: packageId }, c.get('requestId'));
            return { point: 'purchase_created', resourceId: stored.id };
          },
        },
        (k) => runCheckout(payments, k, c.get('requestId'), stored),
      );
      const answer = out.body as CheckoutAnswer;
      if (out.status === 201 && answer.url) return c.redirect(answer.url, 303);
      // A replayed form whose session was paid (or expired) since: show where it stands.
      if (out.status === 201)
        return c.redirect(`/account/credits/return?session_id=${encodeURIComponent(answer.checkout_session_id)}`, 303);
      return creditsPage(c, user, 502, { error: 'Checkout could not be started. Nothing was charged; try again.' });
    } catch (e) {
      if (e instanceof ProblemError && e.code === 'PSP_UNAVAILABLE')
        return creditsPage(c, user, 502, {
          error: 'The payment provider did not answer. Nothing was charged; try again in a moment.',
        });
      throw e;
    }
  });

  app.get('/account/credits/return', async (c) => {
    const user = await accountViewer(c, deps);
    if (user instanceof Response) return user;
    const payments = ctx();
    const sessionId = c.req.query('session_id') ?? '';
    if (!payments || !SESSION_ID.test(sessionId)) return creditsPage(c, user, 404, { error: 'No such checkout.' });
    // Shown, never trusted: credits come only from the verified webhook (or recovery).
    const session = await payments.stripe.checkout.sessions.retrieve(sessionId).catch(() => null);
    const purchase = session?.client_reference_id ? await ownPurchase(user.sub, session.client_reference_id) : undefined;
    if (!session || !purchase) return creditsPage(c, user, 404, { error: 'No such checkout.' });
    const balance = await walletCredits(deps.db, user.sub);
    return sendPage(c, <ReturnPage purchase={purchase} paid={session.payment_status === 'paid'} balance={balance} />);
  });

  app.get('/account/credits/cancel', async (c) => {
    const user = await accountViewer(c, deps);
    return user instanceof Response ? user : sendPage(c, <CancelPage />);
  });

  app.get('/account/credits/purchases/:id', async (c) => {
    const user = await accountViewer(c, deps);
    if (user instanceof Response) return user;
    const p = await ownPurchase(user.sub, c.req.param('id'));
    return p ? receiptPage(c, user, p) : creditsPage(c, user, 404, { error: 'No such purchase.' });
  });

  app.post('/account/credits/purchases/:id/refund', csrf, async (c) => {
    const user = await accountViewer(c, deps);
    if (user instanceof Response) return user;
    const p = await ownPurchase(user.sub, c.req.param('id'));
    if (!p) return creditsPage(c, user, 404, { error: 'No such purchase.' });
    const form = validateForm(await readFormFields(c), KeyOnlyForm);
    if (!form.ok) return receiptPage(c, user, p, 400, 'Reload the page and try again.');
    const key = readIdempotencyKey(form.data.idempotency_key);
    const payments = ctx();
    if (!payments) return receiptPage(c, user, p, 503, 'Refunds are not available right now.');
    const refunds = await deps.db.select().from(creditRefunds).where(eq(creditRefunds.purchaseId, p.id));
    const decision = refundDecision(p, refunds, await walletCredits(deps.db, user.sub), deps.now());
    // A replay of a form that already refunded finds "already requested" here: show the receipt.
    if (!decision.ok) return receiptPage(c, user, p, refunds.length ? 200 : 409, refunds.length ? undefined : decision.reason);
    try {
      const out = await idempotentForm(
        deps,
        c,
        { userId: user.sub, key, operation: 'refund.create', body: {}, params: { purchase_id: p.id, as_admin: false } },
        (k) => runRefund(payments, k, c.get('requestId')),
      );
      if (out.status === 201) return c.redirect(`/account/credits/purchases/${p.id}?refund=requested`, 303);
      return receiptPage(c, user, p, 409, problemDetail(out.body, 'The refund could not be made.'));
    } catch (e) {
      if (e instanceof ProblemError && e.code === 'PSP_UNAVAILABLE')
        return receiptPage(c, user, p, 502, 'The payment provider did not answer; try again in a moment.');
      throw e;
    }
  });

  return app;
}
