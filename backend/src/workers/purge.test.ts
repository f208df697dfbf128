import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createPaymentsHarness, type PaymentsHarness } from '../../../test/support/psp-sim/harness.ts';
import { purgeIdempotencyKeys } from './purge.ts';
import { parseEnv } from '../env.ts';

let h: PaymentsHarness;
beforeAll(async () => {
  h = await createPaymentsHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('idempotency retention', () => {
  it('retention is bounded to 24-72 h, default 48 h', () => {
    const base = { REQUIRE_GATEWAY_SIGNATURE: 'false' };
    expect(parseEnv(base).IDEMPOTENCY_RETENTION_HOURS).toBe(48);
    expect(() => parseEnv({ ...base, IDEMPOTENCY_RETENTION_HOURS: '23' })).toThrow(/IDEMPOTENCY_RETENTION_HOURS/);
    expect(() => parseEnv({ ...base, IDEMPOTENCY_RETENTION_HOURS: '73' })).toThrow(/IDEMPOTENCY_RETENTION_HOURS/);
  });

  it('purges only finished keys past retention; a purged key starts a new request', async () => {
    const u = await h.user();
    const body = { package_id: 'starter-100', payment_method: 'pm_card_visa' };
    const first = await (await h.purchase(u.token, 'old-key', body)).json();
    await h.t.deps.db.execute(sql`insert into idempotency_keys (user_id, idempotency_key, operation, fingerprint, request_params, recovery_point, created_at)
      values (${u.id}, 'unfinished-old', 'purchase.create', 'x', '{}'::jsonb, 'purchase_created', now() - interval '100 hours')`);
    await h.t.deps.db.execute(
      sql`update idempotency_keys set created_at = now() - interval '49 hours' where idempotency_key = 'old-key'`,
    );
    expect(await purgeIdempotencyKeys(h.t.deps.db, 48)).toBe(1);
    const left = await h.t.deps.db.execute(sql`select idempotency_key from idempotency_keys where user_id = ${u.id}`);
    expect((left as unknown as { idempotency_key: string }[]).map((r) => r.idempotency_key)).toEqual([
      'unfinished-old',
    ]);
    const again = await h.purchase(u.token, 'old-key', body);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBeNull();
    expect((await again.json()).id).not.toBe(first.id);
    await h.t.deps.db.execute(sql`delete from idempotency_keys where idempotency_key = 'unfinished-old'`);
  });

  it('ops view: admins see outbox, keys and ledger state; students are refused', async () => {
    const admin = await h.user('admin');
    const student = await h.user();
    await h.sim.webhooksIdle();
    expect((await h.t.request('/api/ops/payments', { token: student.token })).status).toBe(403);
    const res = await h.t.request('/api/ops/payments', { token: admin.token });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.ledger.balanced).toBe(true);
    expect(body.outbox.pending).toBeGreaterThan(0); // no relay runs in this test app
    expect(body.purchases.succeeded ?? 0).toBeGreaterThanOrEqual(0);
  });
});
