/**
 * Scale-out: three backend processes on one Postgres, reached through PgBouncer in transaction
 * mode, behind a balancer and two gateways on workerd. 200 concurrent purchase requests over 20
 * Idempotency-Keys (each key sent 10 times), one backend SIGKILLed mid-run and restarted:
 * exactly one PaymentIntent and one credit grant per key, every outbox message delivered and
 * consumed once per consumer, reconciliation 100% matched.
 */
import { sql } from 'drizzle-orm';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateSigningJwk, loadSigningKeys } from '../../backend/src/auth/keys.ts';
import { signAccessToken } from '../../backend/src/auth/tokens.ts';
import { users } from '../../backend/src/db/schema/users.ts';
import { unbalancedTransactions } from '../../backend/src/ledger/balance.ts';
import { createStripe } from '../../backend/src/payments/psp.ts';
import { formatReport, reconcile, reconcileOk } from '../../backend/src/payments/reconcile.ts';
import { TEST_GATEWAY_SECRET } from '../support/backend.ts';
import { type Cluster, startCluster } from '../support/cluster.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { appLoginUrl, TEST_APP_LOGIN } from '../support/pg.ts';
import { HAS_PGBOUNCER, PGBOUNCER_BIN, type PgBouncer, startPgBouncer } from '../support/pgbouncer.ts';
import { type PspSim, startPspSim } from '../support/psp-sim/index.ts';

const WHSEC = 'whsec_e2e_scale';
const STRIPE_KEY = 'sk_test_e2e_scale';
const KEYS = 20;
const SENDS_PER_KEY = 10;
const rows = <T>(r: unknown) => (r as { rows?: T[] }).rows ?? (r as T[]);

let db: TestDatabase;
let bouncer: PgBouncer;
let sim: PspSim;
let cluster: Cluster;
let jwk: string;
const started = new Date(Date.now() - 60_000);

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// CI installs Debian's pgbouncer (.ci/run); a developer machine without it skips with this reason.
describe.skipIf(!HAS_PGBOUNCER)(
  `scale-out through PgBouncer (needs ${PGBOUNCER_BIN}: apt-get install pgbouncer)`,
  () => {
    beforeAll(async () => {
      db = await createTestDatabase();
      // The app logs in as a member of gatehouse_app (the production setup): PgBouncer does not
      // forward the role startup parameter an owner login would need.
      bouncer = await startPgBouncer({ users: ['postgres', TEST_APP_LOGIN] });
      jwk = JSON.stringify(await generateSigningJwk());
      sim = await startPspSim({ webhookSecret: WHSEC });
      cluster = await startCluster({
        secret: TEST_GATEWAY_SECRET,
        databaseUrl: bouncer.urlFor(appLoginUrl(db.url)),
        backends: 3,
        gateways: 2,
        // The run's builds (test/support/backend-build.ts, gateway-bundle.ts): plain node, no rebuild.
        builtServer: inject('backendServer'),
        gatewayBundle: inject('gatewayBundle'),
        env: {
          DATABASE_PREPARE: 'false',
          DATABASE_PIPELINE: 'false',
          DATABASE_POOL_MAX: '5',
          JWT_PRIVATE_JWK: jwk,
          STRIPE_SECRET_KEY: STRIPE_KEY,
          STRIPE_WEBHOOK_SECRET: WHSEC,
          STRIPE_API_BASE: sim.url,
          IDEMPOTENCY_LOCK_TIMEOUT_SECONDS: '2',
          PAYMENTS_RECOVERY_INTERVAL_SECONDS: '1',
        },
      });
      // Stripe delivers webhooks to the edge; alternate gateways as its retries may.
      sim.setWebhookUrl(`${cluster.gatewayUrls[1]}/webhooks/stripe`);
    }, 180_000);

    afterAll(async () => {
      await cluster?.stop();
      await sim?.close();
      await bouncer?.stop();
      await db?.close();
    });

    it('200 purchases over 20 keys with a SIGKILLed backend: one charge, one grant, one delivery each', async () => {
      const keys = await loadSigningKeys({ privateJwk: jwk, dataDir: os.tmpdir() });
      const buyers = await Promise.all(
        Array.from({ length: KEYS }, async (_, i) => {
          const [u] = await db.db
            .insert(users)
            .values({ email: `scale-${i}-${Date.now()}@example.test`, passwordHash: 'x', name: `Scale ${i}` })
            .returning({ id: users.id });
          const token = await signAccessToken(
            { keys, issuer: 'gatehouse', audience: 'gatehouse-api' },
            { sub: u.id, role: 'student' },
          );
          return { id: u.id, token, key: `scale-key-${i}` };
        }),
      );
      const body = JSON.stringify({ package_id: 'standard-500', payment_method: 'pm_card_visa' });
      /** One client send: retries a lost answer (502/503/409 in progress) like a browser would, bounded. */
      const send = async (b: (typeof buyers)[number], n: number): Promise<{ status: number; id?: string }> => {
        for (let attempt = 0; attempt < 40; attempt++) {
          const gateway = cluster.gatewayUrls[(n + attempt) % cluster.gatewayUrls.length];
          try {
            const res = await fetch(`${gateway}/api/credits/purchases`, {
              method: 'POST',
              body,
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${b.token}`,
                'idempotency-key': b.key,
              },
              signal: AbortSignal.timeout(20_000),
            });
            const json = (await res.json()) as { id?: string };
            if (res.status === 201) return { status: 201, id: json.id };
            if (![409, 502, 503, 504].includes(res.status)) return { status: res.status };
          } catch {
            /* connection lost with the killed process: retry */
          }
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        }
        return { status: 0 };
      };
      const sends = buyers.flatMap((b) => Array.from({ length: SENDS_PER_KEY }, (_, n) => send(b, n)));
      // Mid-run, one backend dies without warning and comes back.
      const chaos = (async () => {
        await new Promise((r) => setTimeout(r, 400));
        await cluster.backends[1].kill('SIGKILL');
        await new Promise((r) => setTimeout(r, 500));
        await cluster.backends[1].restart();
      })();
      const results = await Promise.all(sends);
      await chaos;

      expect(results.filter((r) => r.status !== 201)).toEqual([]);
      expect(cluster.crashes, 'no backend exits but the one killed').toEqual([]);
      for (const b of buyers) {
        const ids = new Set(
          results.slice(buyers.indexOf(b) * SENDS_PER_KEY, (buyers.indexOf(b) + 1) * SENDS_PER_KEY).map((r) => r.id),
        );
        expect(ids.size, `one purchase for ${b.key}`).toBe(1);
      }

      // Settled: every purchase succeeded, once, at the PSP and in the ledger.
      await waitFor('all purchases to settle', async () => {
        const [r] = rows<{ n: number }>(
          await db.db.execute(sql`select count(*)::int as n from credit_purchases where status = 'succeeded'`),
        );
        return r.n === KEYS ? true : undefined;
      });
      const perKey = rows<{ purchase_id: string; n: number }>(
        await db.db.execute(
          sql`select p.id as purchase_id, (select count(*)::int from ledger_transactions t where t.purchase_id = p.id and t.kind = 'credit_grant') as n from credit_purchases p`,
        ),
      );
      expect(perKey).toHaveLength(KEYS);
      expect(perKey.every((r) => r.n === 1)).toBe(true);
      const pis = sim.state.ofType('payment_intent');
      expect(pis).toHaveLength(KEYS);
      expect(sim.state.stats.chargesSucceeded).toBe(KEYS);
      expect(await unbalancedTransactions(db.db)).toEqual([]);

      // Every outbox message delivered, and consumed once per consumer.
      await waitFor('the outbox to drain', async () => {
        const [r] = rows<{ n: number }>(
          await db.db.execute(sql`select count(*)::int as n from outbox_messages where delivered_at is null`),
        );
        return r.n === 0 ? true : undefined;
      });
      // (consumer, message) is the consumed table's primary key, so "once" is by construction;
      // what can go wrong is a message no consumer took, or a side effect repeated: mails count it.
      const unconsumed = rows<{ id: string }>(
        await db.db.execute(
          sql`select m.id from outbox_messages m where not exists (select 1 from outbox_consumed c where c.message_id = m.id)`,
        ),
      );
      expect(unconsumed).toEqual([]);
      const [dead] = rows<{ n: number }>(
        await db.db.execute(sql`select count(*)::int as n from outbox_messages where dead_at is not null`),
      );
      expect(dead.n).toBe(0);
      const [receipts] = rows<{ n: number }>(await db.db.execute(sql`select count(*)::int as n from mailbox`));
      expect(receipts.n).toBe(KEYS);

      await sim.webhooksIdle();
      const stripe = createStripe({ STRIPE_SECRET_KEY: STRIPE_KEY, STRIPE_API_BASE: sim.url })!;
      const report = await reconcile(db.db, stripe, { since: started });
      expect(reconcileOk(report), formatReport(report)).toBe(true);
      expect(report.matched).toBe(report.checked);
      expect(cluster.crashes).toEqual([]);
    }, 240_000);
  },
);
