import type { Child } from 'hono/jsx';
import { Layout } from '../pages/layout.tsx';
import type { CreditPackage } from './packages.ts';
import type { Purchase } from './settlement/4-apply-payment-intent.ts';
import type { Refund } from './settlement/5-apply-refund.ts';
import { REFUND_WINDOW_DAYS, type RefundDecision } from './refund-policy.ts';
import { SPEND_ITEMS, type Spend } from './spend.ts';

/**
 * Views of the credits pages: plain HTML forms that work without JavaScript. Every money form
 * carries a fresh `idempotency_key` per rendering, so a double submit or a browser retry of the
 * same form is one purchase (or refund, or spend), while a new visit to the page is a new one.
 */

const usd = (cents: number) => `$${(cents / 100).toFixed(2)}`;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** How a purchase's state reads to its buyer. */
const PURCHASE_STATUS_TEXT: Record<Purchase['status'], string> = {
  created: 'Not paid',
  requires_payment_method: 'Waiting for payment',
  requires_confirmation: 'Waiting for payment',
  requires_action: 'Waiting for your bank',
  processing: 'Processing',
  succeeded: 'Paid, credits added',
  failed: 'Payment failed, nothing charged',
  canceled: 'Cancelled',
};

export function Page(props: { title: string; children: Child }) {
  return (
    <Layout title={props.title} head={<meta name="robots" content="noindex" />}>
      {props.children}
    </Layout>
  );
}

export function Notice(props: { error?: string; ok?: string }) {
  return (
    <>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.ok ? (
        <p class="ok" role="status">
          {props.ok}
        </p>
      ) : null}
    </>
  );
}

/** The hidden field that makes a money form idempotent. */
export const FormKey = () => <input type="hidden" name="idempotency_key" value={crypto.randomUUID()} />;

export interface SpendRow {
  spend: Spend;
  title: string;
  slug: string;
}

export function CreditsPage(props: {
  balance: number;
  packages: readonly CreditPackage[];
  purchases: Purchase[];
  spends: SpendRow[];
  error?: string;
  ok?: string;
}) {
  return (
    <Page title="Credits">
      <h1>Credits</h1>
      <Notice error={props.error} ok={props.ok} />
      <p class="card">
        Your balance: <strong id="balance">{props.balance} credits</strong>. Spend them on{' '}
        <a href="/account/reviews">application-readiness reviews</a> ({SPEND_ITEMS.readiness_review.credits} credits
        each).
      </p>
      <h2>Buy credits</h2>
      <p class="muted">
        You pay on Stripe's secure checkout page; your card details never reach Gatehouse. Refunds within{' '}
        {REFUND_WINDOW_DAYS} days for unspent credits (<a href="#refund-policy">policy</a>).
      </p>
      {props.packages.map((p) => (
        <form class="card" method="post" action="/account/credits/checkout">
          <input type="hidden" name="package_id" value={p.id} />
          <FormKey />
          <p style="margin:0 0 .5rem">
            <strong>{p.name}</strong>: {p.credits} credits for {usd(p.priceCents)}
          </p>
          <button type="submit" aria-label={`Buy ${p.name}: ${p.credits} credits for ${usd(p.priceCents)}`}>
            Buy {p.name}
          </button>
        </form>
      ))}
      <h2>History</h2>
      <History purchases={props.purchases} spends={props.spends} />
      <h2 id="refund-policy">Refund policy</h2>
      <p>
        A purchase can be refunded in full within {REFUND_WINDOW_DAYS} days while its credits are unspent: open its
        receipt and choose “Request a refund”. The money goes back to your card; the credits leave your balance at
        once. For anything else, contact support.
      </p>
    </Page>
  );
}

function History(props: { purchases: Purchase[]; spends: SpendRow[] }) {
  const rows = [
    ...props.purchases.map((p) => ({
      at: p.createdAt,
      what: (
        <a href={`/account/credits/purchases/${p.id}`}>
          {p.packageId} purchase ({usd(p.amountCents)})
        </a>
      ),
      credits: p.status === 'succeeded' ? `+${p.credits}` : '0',
      status: PURCHASE_STATUS_TEXT[p.status],
    })),
    ...props.spends.map((s) => ({
      at: s.spend.createdAt,
      what: <a href={`/account/reviews/${s.slug}`}>Readiness review: {s.title}</a>,
      credits: `−${s.spend.credits}`,
      status: 'Unlocked',
    })),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());
  if (!rows.length) return <p class="muted">No purchases or spending yet.</p>;
  return (
    <div style="overflow-x:auto">
      <table class="card" style="width:100%;border-collapse:collapse">
        <caption class="muted" style="text-align:left">
          Purchases and spending, newest first
        </caption>
        <thead>
          <tr>
            <th scope="col" style="text-align:left">
              Date
            </th>
            <th scope="col" style="text-align:left">
              What
            </th>
            <th scope="col" style="text-align:right">
              Credits
            </th>
            <th scope="col" style="text-align:left">
              Status
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>{day(r.at)}</td>
              <td>{r.what}</td>
              <td style="text-align:right">{r.credits}</td>
              <td>{r.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ReturnPage(props: { purchase: Purchase; paid: boolean; balance: number }) {
  const p = props.purchase;
  const granted = p.status === 'succeeded';
  return (
    <Layout
      title="Payment received"
      head={
        <>
          <meta name="robots" content="noindex" />
          {/* Credits land with Stripe's webhook, milliseconds later: look again without needing JavaScript. */}
          {props.paid && !granted ? <meta http-equiv="refresh" content="2" /> : null}
        </>
      }
    >
      {granted ? (
        <>
          <h1>Thank you! {p.credits} credits were added</h1>
          <p class="ok" role="status">
            Your balance is now {props.balance} credits. A receipt is on its way to your email.
          </p>
        </>
      ) : props.paid ? (
        <>
          <h1>Payment received</h1>
          <p role="status">Your {p.credits} credits are being added; this page refreshes by itself.</p>
        </>
      ) : (
        <>
          <h1>Payment not completed</h1>
          <p class="error" role="alert">
            Stripe has not confirmed a payment for this checkout, and nothing was charged.
          </p>
        </>
      )}
      <p>
        <a href={`/account/credits/purchases/${p.id}`}>View the receipt</a> · <a href="/account/credits">Credits</a>
      </p>
    </Layout>
  );
}

export function CancelPage() {
  return (
    <Page title="Checkout cancelled">
      <h1>Checkout cancelled</h1>
      <p>Nothing was charged. You can pick a package again whenever you like.</p>
      <p>
        <a href="/account/credits">Back to credits</a>
      </p>
    </Page>
  );
}

export function ReceiptPage(props: {
  purchase: Purchase;
  refunds: Refund[];
  decision: RefundDecision;
  error?: string;
  ok?: string;
}) {
  const p = props.purchase;
  const rows: [string, string][] = [
    ['Receipt number', p.id],
    ['Date', day(p.createdAt)],
    ['Package', p.packageId],
    ['Credits', String(p.credits)],
    ['Amount', `${usd(p.amountCents)} ${p.currency.toUpperCase()}`],
    ['Status', PURCHASE_STATUS_TEXT[p.status]],
    ['Payment reference', p.paymentIntentId ?? '–'],
  ];
  return (
    <Page title="Receipt">
      <h1>Receipt</h1>
      <Notice error={props.error} ok={props.ok} />
      <dl class="card" style="display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem">
        {rows.map(([k, v]) => (
          <>
            <dt>
              <strong>{k}</strong>
            </dt>
            <dd style="margin:0;overflow-wrap:anywhere">{v}</dd>
          </>
        ))}
      </dl>
      {props.refunds.length ? (
        <>
          <h2>Refunds</h2>
          <ul>
            {props.refunds.map((r) => (
              <li>
                {day(r.createdAt)}: {usd(r.amountCents)}, {r.status}
                {r.creditsRevoked !== null ? `, ${r.creditsRevoked} credits taken back` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>Refund</h2>
      {props.decision.ok ? (
        <form class="card stack" method="post" action={`/account/credits/purchases/${p.id}/refund`}>
          <FormKey />
          <p style="margin:0">
            Refund {usd(p.amountCents)} to your card; {p.credits} credits leave your balance.
          </p>
          <button type="submit">Request a refund</button>
        </form>
      ) : (
        <p class="muted">{props.decision.reason}</p>
      )}
      <p>
        <a href="/account/credits">Back to credits</a>
      </p>
    </Page>
  );
}
