/**
 * The production build: `npm run build` output run with plain node (no tsx) behind a gateway
 * serves the same golden paths as `npm start`, and SIGTERM during a purchase lets the purchase
 * finish: exactly one charge, and the restarted process replays the same result.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateSigningJwk, loadSigningKeys } from '../../backend/src/auth/keys.ts';
import { signAccessToken } from '../../backend/src/auth/tokens.ts';
import { seedDemo } from '../../backend/src/db/seed.ts';
import { users } from '../../backend/src/db/schema/users.ts';
import { TEST_GATEWAY_SECRET } from '../support/backend.ts';
import { type Cluster, startCluster } from '../support/cluster.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { type PspSim, startPspSim } from '../support/psp-sim/index.ts';

const WHSEC = 'whsec_e2e_prod';
const STRIPE_KEY = 'sk_test_e2e_prod';
/** Inside the checkout (git-ignored) so the build finds drizzle/ and node_modules/ as in an image. */
const BUILD_DIR = path.resolve('.artifacts/build-test');
const rows = <T>(r: unknown) => (r as { rows?: T[] }).rows ?? (r as T[]);

let db: TestDatabase;
let sim: PspSim;
let cluster: Cluster;
let jwk: string;

beforeAll(async () => {
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--outdir', BUILD_DIR], { stdio: 'pipe' });
  db = await createTestDatabase();
  await seedDemo(db.db, { count: 30 });
  jwk = JSON.stringify(await generateSigningJwk());
  sim = await startPspSim({ webhookSecret: WHSEC });
  cluster = await startCluster({
    secret: TEST_GATEWAY_SECRET,
    databaseUrl: db.url,
    backends: 1,
    gateways: 1,
    builtServer: path.join(BUILD_DIR, 'server.js'),
    gatewayBundle: inject('gatewayBundle'),
    env: {
      JWT_PRIVATE_JWK: jwk,
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET: WHSEC,
      STRIPE_API_BASE: sim.url,
      SHUTDOWN_GRACE_SECONDS: '20',
    },
  });
  sim.setWebhookUrl(`${cluster.gatewayUrls[0]}/webhooks/stripe`);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await sim?.close();
  await db?.close();
});

describe('npm run build && npm run start:prod', () => {
  it('runs the backend without tsx', () => {
    const argv = cluster.backends[0].proc.spawnargs;
    expect(argv.join(' ')).not.toContain('tsx');
    expect(argv.at(-1)).toBe(path.join(BUILD_DIR, 'server.js'));
  });

  it('serves the golden paths through the gateway', async () => {
    const gw = cluster.gatewayUrls[0];
    for (const [p, type] of [
      ['/', 'text/html'],
      ['/scholarships', 'text/html'],
      ['/search?q=nursing', 'text/html'],
      ['/robots.txt', 'text/plain'],
      ['/sitemap.xml', 'xml'],
      ['/api/scholarships', 'application/json'],
      ['/api/search?q=engineering', 'application/json'],
      ['/.well-known/jwks.json', 'json'],
    ] as const) {
      const res = await fetch(`${gw}${p}`, { headers: { accept: type.includes('html') ? 'text/html' : '*/*' } });
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type'), p).toContain(type);
      await res.arrayBuffer();
    }
    const list = (await (await fetch(`${gw}/api/scholarships`)).json()) as { items: { url: string }[] };
    const detail = await fetch(`${gw}${list.items[0].url}`, { headers: { accept: 'text/html' } });
    expect(detail.status).toBe(200);

    const email = `prod-${Date.now()}@example.test`;
    const password = 'a-long-production-password-7';
    const post = (p: string, body: unknown) =>
      fetch(`${gw}${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('/api/auth/signup', { email, password, name: 'Prod Student' })).status).toBe(202);
    const login = await post('/api/auth/login', { email, password });
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    const me = await fetch(`${gw}/api/me`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(me.status).toBe(200);
  });

  it('SIGTERM mid-purchase: the purchase finishes, once, and a restarted process replays it', async () => {
    const keys = await loadSigningKeys({ privateJwk: jwk, dataDir: os.tmpdir() });
    const [u] = await db.db
      .insert(users)
      .values({ email: `sigterm-${Date.now()}@example.test`, passwordHash: 'x', name: 'Term' })
      .returning({ id: users.id });
    const token = await signAccessToken(
      { keys, issuer: 'gatehouse', audience: 'gatehouse-api' },
      { sub: u.id, role: 'student' },
    );
    const purchase = () =>
      fetch(`${cluster.gatewayUrls[0]}/api/credits/purchases`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'idempotency-key': 'sigterm-1',
        },
        body: JSON.stringify({ package_id: 'standard-500', payment_method: 'pm_card_visa' }),
      });
    // The PSP is slow: SIGTERM lands while the purchase waits on it.
    sim.faults.delayMs = 1500;
    const charges0 = sim.state.stats.chargesSucceeded;
    const inFlight = purchase();
    await new Promise((r) => setTimeout(r, 400));
    const backend = cluster.backends[0];
    const exited = new Promise<number | null>((r) => backend.proc.once('exit', (code) => r(code)));
    backend.proc.kill('SIGTERM');
    const res = await inFlight;
    sim.faults.delayMs = 0;
    expect(res.status).toBe(201);
    const first = (await res.json()) as { id: string };
    expect(await exited).toBe(0);

    await backend.restart();
    const replay = await purchase();
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect(((await replay.json()) as { id: string }).id).toBe(first.id);
    expect(sim.state.stats.chargesSucceeded - charges0).toBe(1);
    const [k] = rows<{ recovery_point: string; locked_at: Date | null }>(
      await db.db.execute(
        sql`select recovery_point, locked_at from idempotency_keys where user_id = ${u.id} and idempotency_key = 'sigterm-1'`,
      ),
    );
    expect(k.recovery_point).toBe('finished');
    expect(k.locked_at).toBeNull();
  });
});
