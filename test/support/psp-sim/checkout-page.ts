import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Obj } from './state.ts';
import { type CheckoutSessions, cardOutcome } from './checkout.ts';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const money = (cents: unknown, currency: unknown) =>
  `${(Number(cents) / 100).toFixed(2)} ${String(currency ?? '').toUpperCase()}`;

const CSS = `body{font-family:system-ui,sans-serif;margin:0;background:#f6f9fc;color:#1a1f36}
main{max-width:28rem;margin:2rem auto;padding:0 1rem}.card{background:#fff;border-radius:8px;padding:1.25rem;box-shadow:0 1px 3px #0002}
form{display:grid;gap:.75rem}label{display:grid;gap:.25rem;font-weight:600}input{font:inherit;padding:.5rem;border:1px solid #8792a2;border-radius:6px}
button{font:inherit;padding:.6rem 1rem;border:0;border-radius:6px;background:#3d3b9f;color:#fff;cursor:pointer}
.error{color:#a4141c;font-weight:600}.muted{color:#4f566b}a{color:#3d3b9f}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Test checkout</title><style>${CSS}</style></head><body><main>
<p class="muted">Test mode · simulated Stripe Checkout</p>${body}</main></body></html>`;
}

function summary(s: Obj): string {
  const items = (s._line_items as { price_data?: { product_data?: { name?: string } } }[]) ?? [];
  const name = items[0]?.price_data?.product_data?.name ?? 'Order';
  return `<h1>Pay ${esc(money(s.amount_total, s.currency))}</h1><p>${esc(name)}</p>`;
}

function payForm(s: Obj, error?: string, values: Record<string, string> = {}): string {
  const err = error ? `<p class="error" role="alert" id="card-error">${esc(error)}</p>` : '';
  const described = error ? ' aria-describedby="card-error" aria-invalid="true"' : '';
  return page(
    'Pay',
    `<div class="card">${summary(s)}${err}
<form method="post" action="/c/pay/${esc(s.id)}">
<label>Email<input type="email" name="email" autocomplete="email" value="${esc(values.email ?? s.customer_email ?? '')}"></label>
<label>Card number<input name="card_number" inputmode="numeric" autocomplete="cc-number" required value="${esc(values.card_number ?? '')}"${described}></label>
<label>Expiry (MM / YY)<input name="expiry" autocomplete="cc-exp" required placeholder="12 / 34" value="${esc(values.expiry ?? '')}"></label>
<label>CVC<input name="cvc" inputmode="numeric" autocomplete="cc-csc" required value="${esc(values.cvc ?? '')}"></label>
<label>Name on card<input name="name" autocomplete="cc-name" value="${esc(values.name ?? '')}"></label>
<button type="submit">Pay ${esc(money(s.amount_total, s.currency))}</button>
</form><p><a href="${esc(s.cancel_url)}">← Back to the shop (cancel)</a></p></div>`,
  );
}

function authPage(s: Obj): string {
  return page(
    'Authenticate',
    `<div class="card">${summary(s)}<h2>Confirm this payment with your bank</h2>
<p>Your bank asks you to authenticate this purchase (3D Secure test page).</p>
<form method="post" action="/c/pay/${esc(s.id)}/authenticate"><button name="outcome" value="complete">Complete authentication</button>
<button name="outcome" value="fail">Fail authentication</button></form></div>`,
  );
}

/** Card checks the hosted page makes before charging, with Stripe's wording. */
function cardError(v: Record<string, string>): string | undefined {
  const digits = (v.card_number ?? '').replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) return 'Your card number is incomplete.';
  if (!cardOutcome(digits)) return 'Your card number is invalid. Use a Stripe test card, such as 4242 4242 4242 4242.';
  const m = /^\s*(\d{1,2})\s*\/?\s*(\d{2})\s*$/.exec(v.expiry ?? '');
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 12) return "Your card's expiration date is incomplete.";
  const now = new Date();
  const year = 2000 + Number(m[2]);
  if (year < now.getUTCFullYear() || (year === now.getUTCFullYear() && Number(m[1]) < now.getUTCMonth() + 1))
    return "Your card's expiration year is in the past.";
  if (!/^\d{3,4}$/.test(v.cvc ?? '')) return "Your card's security code is incomplete.";
  return undefined;
}

function send(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}
function redirect(res: ServerResponse, to: string) {
  res.writeHead(303, { location: to });
  res.end();
}

/**
 * The stand-in for Stripe's hosted checkout page (`session.url`): a card form that never reaches
 * the merchant; test cards succeed, decline (the session stays open for another card, nothing is
 * charged) or ask for authentication. A paid session redirects to `success_url`, so a second
 * submit or a reload never charges again. Works without JavaScript.
 */
export function checkoutPageHandler(sessions: CheckoutSessions) {
  return function checkoutPage(req: IncomingMessage, res: ServerResponse, path: string, raw: string) {
    const m = /^\/c\/pay\/([A-Za-z0-9_]+)(\/authenticate)?$/.exec(path);
    const s = m ? sessions.session(m[1]) : undefined;
    if (!m || !s) return send(res, 404, page('Not found', '<h1>This checkout link does not exist.</h1>'));
    if (s.status === 'complete') return redirect(res, sessions.successUrl(s));
    if (s.status !== 'open')
      return send(
        res,
        410,
        page(
          'Expired',
          `<h1>This checkout session has expired.</h1><p><a href="${esc(s.cancel_url)}">Return to the shop</a> and start again.</p>`,
        ),
      );
    if (req.method === 'GET') return send(res, 200, m[2] ? authPage(s) : payForm(s));
    if (req.method !== 'POST') return send(res, 405, page('Not allowed', '<h1>Method not allowed</h1>'));
    const v = Object.fromEntries(new URLSearchParams(raw));
    if (m[2]) {
      const pi = s.payment_intent ? sessions.paymentIntentStatus(s) : null;
      if (pi !== 'requires_action') return redirect(res, `/c/pay/${s.id}`);
      const r =
        v.outcome === 'complete' ? sessions.pay(s, 'pm_card_authenticationRequired') : sessions.failAuthentication(s);
      return r.kind === 'paid' ? redirect(res, r.redirect) : send(res, 402, payForm(s, r.message));
    }
    const error = cardError(v);
    const values = { ...v, cvc: '' };
    if (error) return send(res, 400, payForm(s, error, values));
    const outcome = cardOutcome((v.card_number ?? '').replace(/[\s-]/g, ''))!;
    if (outcome.kind === 'authenticate') {
      sessions.requireAction(s);
      return redirect(res, `/c/pay/${s.id}/authenticate`);
    }
    const r = sessions.pay(s, outcome.paymentMethod);
    return r.kind === 'paid' ? redirect(res, r.redirect) : send(res, 402, payForm(s, r.message, values));
  };
}
