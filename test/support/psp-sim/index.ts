import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { parseStripeForm, expandList } from './form.ts';
import { SimState, StripeApiError, type Obj } from './state.ts';
import { stripeList, stripeSearch } from './list.ts';
import { defaultFaults, type PspFaults } from './faults.ts';
import { CheckoutSessions } from './checkout.ts';
import { checkoutPageHandler } from './checkout-page.ts';
import { stripeSignature, fetchDeliver, webhookBackoffMs, WEBHOOK_MAX_ATTEMPTS, type Deliver } from './webhooks.ts';

export { stripeSignature } from './webhooks.ts';
export { stripeFee } from './state.ts';

export interface PspSimOptions {
  host?: string;
  port?: number;
  webhookSecret?: string;
  /** Where signed events go; unset → events are only recorded. */
  webhookUrl?: string;
  deliver?: Deliver;
}

export interface PspSim {
  url: string;
  port: number;
  state: SimState;
  /** Checkout Sessions and their hosted page (`session.url` points at this server). */
  checkout: CheckoutSessions;
  faults: PspFaults;
  setWebhookUrl(url: string | undefined): void;
  /** Releases held (or reordered) webhooks and waits until they are delivered. */
  flushWebhooks(): Promise<void>;
  /** Resolves when no webhook delivery is in progress. */
  webhooksIdle(): Promise<void>;
  /** True while a request with this Idempotency-Key is being handled (a second one would get 409). */
  keyInFlight(idempotencyKey: string): boolean;
  close(): Promise<void>;
}

type Handler = (
  params: Record<string, unknown>,
  ctx: { m: RegExpExecArray; idempotencyKey?: string; url: string },
) => Obj | Record<string, unknown>;

/**
 * A Stripe API stand-in for tests and `npm run psp:sim`: Stripe's REST shapes for the endpoints
 * Gatehouse uses, Stripe's idempotency rules, signed webhooks with retries, and fault injection.
 */
export async function startPspSim(opts: PspSimOptions = {}): Promise<PspSim> {
  const faults = defaultFaults();
  const secret = opts.webhookSecret ?? 'whsec_test_secret';
  let webhookUrl = opts.webhookUrl;
  const deliver = opts.deliver ?? fetchDeliver;
  const held: Obj[] = [];
  const inFlight = new Set<Promise<void>>();

  async function deliverWithRetry(evt: Obj): Promise<void> {
    const body = JSON.stringify(evt, null, 2);
    for (let attempt = 0; attempt < WEBHOOK_MAX_ATTEMPTS; attempt++) {
      if (!webhookUrl) return;
      state.stats.webhookAttempts++;
      try {
        const { status } = await deliver(webhookUrl, body, {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': stripeSignature(body, secret),
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        });
        if (status >= 200 && status < 300) {
          state.stats.webhooksDelivered++;
          return;
        }
      } catch {
        /* receiver down: retry */
      }
      await new Promise((r) => setTimeout(r, webhookBackoffMs(attempt)));
    }
  }
  function schedule(evt: Obj) {
    const copies = faults.duplicateWebhooks ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const p = deliverWithRetry(evt).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  }
  const state = new SimState((evt) => {
    if (!webhookUrl) return;
    if (faults.holdWebhooks || faults.reorderWebhooks) held.push(evt);
    else schedule(evt);
  });

  let pageBase = '';
  const checkout = new CheckoutSessions(state, () => pageBase);
  const checkoutPage = checkoutPageHandler(checkout);
  const pi = (m: RegExpExecArray) => state.get(decodeURIComponent(m[1]), 'payment_intent');
  const routes: [string, RegExp, Handler][] = [
    ['POST', /^\/v1\/payment_intents$/, (p, c) => state.createPaymentIntent(p, c)],
    ['GET', /^\/v1\/payment_intents$/, (p, c) => stripeList(state.ofType('payment_intent'), p, c.url)],
    ['GET', /^\/v1\/payment_intents\/search$/, (p, c) => stripeSearch(state.ofType('payment_intent'), p, c.url)],
    ['GET', /^\/v1\/payment_intents\/([^/]+)$/, (p, c) => state.expand(pi(c.m), expandList(p))],
    [
      'POST',
      /^\/v1\/payment_intents\/([^/]+)\/confirm$/,
      (p, c) => state.confirmPaymentIntent(decodeURIComponent(c.m[1]), p, c),
    ],
    ['POST', /^\/v1\/checkout\/sessions$/, (p, c) => checkout.create(p, c)],
    [
      'GET',
      /^\/v1\/checkout\/sessions\/([^/]+)$/,
      (p, c) => state.expand(checkout.retrieve(decodeURIComponent(c.m[1])), expandList(p)),
    ],
    ['POST', /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/, (_p, c) => checkout.expire(decodeURIComponent(c.m[1]))],
    ['POST', /^\/v1\/refunds$/, (p, c) => state.createRefund(p, c)],
    [
      'GET',
      /^\/v1\/refunds$/,
      (p, c) =>
        stripeList(
          state
            .ofType('refund')
            .filter(
              (r) =>
                (!p.payment_intent || r.payment_intent === p.payment_intent) && (!p.charge || r.charge === p.charge),
            ),
          p,
          c.url,
        ),
    ],
    [
      'GET',
      /^\/v1\/refunds\/([^/]+)$/,
      (p, c) => state.expand(state.get(decodeURIComponent(c.m[1]), 'refund'), expandList(p)),
    ],
    [
      'GET',
      /^\/v1\/charges$/,
      (p, c) =>
        stripeList(
          state.ofType('charge').filter((ch) => !p.payment_intent || ch.payment_intent === p.payment_intent),
          p,
          c.url,
        ),
    ],
    [
      'GET',
      /^\/v1\/charges\/([^/]+)$/,
      (p, c) => state.expand(state.get(decodeURIComponent(c.m[1]), 'charge'), expandList(p)),
    ],
    ['GET', /^\/v1\/balance_transactions$/, (p, c) => stripeList(state.ofType('balance_transaction'), p, c.url)],
    [
      'GET',
      /^\/v1\/balance_transactions\/([^/]+)$/,
      (_p, c) => state.get(decodeURIComponent(c.m[1]), 'balance_transaction'),
    ],
    [
      'GET',
      /^\/v1\/events$/,
      (p, c) =>
        stripeList(
          state.events.filter((e) => !p.type || e.type === p.type),
          p,
          c.url,
        ),
    ],
    ['GET', /^\/v1\/events\/([^/]+)$/, (_p, c) => state.get(decodeURIComponent(c.m[1]), 'event')],
  ];

  /** Stripe's idempotency store: key → first request's fingerprint and, once done, its response. */
  const idem = new Map<string, { fingerprint: string; done?: { status: number; body: string } }>();

  function send(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}) {
    res.writeHead(status, {
      'content-type': 'application/json',
      'request-id': `req_${Math.random().toString(36).slice(2, 14)}`,
      'stripe-version': '2025-01-27.acacia',
      ...extra,
    });
    res.end(body);
  }
  /** The "lost response" fault: the work is done (and stored for replay), the answer never arrives. */
  function dropped(req: IncomingMessage): boolean {
    if (faults.dropResponseNext <= 0) return false;
    faults.dropResponseNext--;
    req.socket.destroy();
    return true;
  }
  const errorBody = (e: Record<string, unknown>) => JSON.stringify({ error: e });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const ch of req) chunks.push(ch as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = req.method ?? 'GET';
    // The hosted checkout page is for the customer's browser: no API key, HTML answers.
    if (url.pathname.startsWith('/c/pay/')) return checkoutPage(req, res, url.pathname, raw);
    state.stats.apiCalls++;
    const auth = req.headers.authorization ?? '';
    if (!/^Bearer (sk|rk)_test_\S+$/.test(auth)) {
      return send(res, 401, errorBody({ type: 'invalid_request_error', message: 'Invalid API Key provided.' }));
    }
    if (faults.failNext > 0) {
      faults.failNext--;
      return send(res, 500, errorBody({ type: 'api_error', message: 'Simulated PSP failure.' }));
    }
    const route = routes.find(([m, re]) => m === method && re.test(url.pathname));
    if (!route)
      return send(
        res,
        404,
        errorBody({ type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${url.pathname}).` }),
      );
    const m = route[1].exec(url.pathname)!;
    const params = parseStripeForm(method === 'GET' ? url.search.slice(1) : raw);
    const key = method === 'POST' ? (req.headers['idempotency-key'] as string | undefined) : undefined;
    const scope = key ? `${auth}\n${key}` : undefined;
    const fingerprint = createHash('sha256').update(`${method} ${url.pathname}\n${raw}`).digest('hex');
    if (scope) {
      const seen = idem.get(scope);
      if (seen && seen.fingerprint !== fingerprint) {
        return send(
          res,
          400,
          errorBody({
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          }),
        );
      }
      if (seen && !seen.done)
        return send(
          res,
          409,
          errorBody({
            type: 'idempotency_error',
            code: 'idempotency_key_in_use',
            message: 'There is currently another in-progress request using this Idempotent Key.',
          }),
        );
      if (seen?.done) {
        state.stats.idempotentReplays++;
        if (dropped(req)) return;
        return send(res, seen.done.status, seen.done.body, { 'idempotent-replayed': 'true', 'idempotency-key': key! });
      }
      idem.set(scope, { fingerprint });
    }
    // The delay sits after the key is registered, as the PSP's own work would: a second request with the same key meanwhile sees 409.
    if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
    let status = 200,
      body: string;
    try {
      body = JSON.stringify(route[2](params, { m, idempotencyKey: key, url: url.pathname }));
    } catch (e) {
      if (!(e instanceof StripeApiError)) {
        if (scope) idem.delete(scope);
        return send(res, 400, errorBody({ type: 'invalid_request_error', message: (e as Error).message }));
      }
      status = e.status;
      body = errorBody(e.body);
    }
    if (scope) idem.get(scope)!.done = { status, body };
    if (method === 'POST' && dropped(req)) return;
    send(res, status, body, key ? { 'idempotency-key': key } : {});
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, errorBody({ type: 'api_error', message: String(e) }));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  pageBase = `http://${opts.host ?? '127.0.0.1'}:${port}`;

  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    state,
    checkout,
    faults,
    setWebhookUrl(u) {
      webhookUrl = u;
    },
    async flushWebhooks() {
      const batch = held.splice(0, held.length);
      if (faults.reorderWebhooks) batch.reverse();
      for (const evt of batch) {
        const copies = faults.duplicateWebhooks ? 2 : 1;
        for (let i = 0; i < copies; i++) await deliverWithRetry(evt);
      }
    },
    async webhooksIdle() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
    keyInFlight(key) {
      for (const [scope, entry] of idem) if (!entry.done && scope.endsWith(`\n${key}`)) return true;
      return false;
    },
    async close() {
      webhookUrl = undefined;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
