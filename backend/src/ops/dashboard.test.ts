import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { parseAlerts } from '../../../shared/ops/alerts.ts';
import { createAdmin } from './admin-account.ts';
import { signAccessToken } from '../auth/tokens.ts';

const METRICS_TOKEN = 'ops-machine-token-0123456789';
let t: TestBackend;
let adminToken: string;
let studentToken: string;

beforeAll(async () => {
  t = await createTestBackend({ env: { METRICS_TOKEN, OPS_STATUS_ALLOWLIST: '203.0.113.0/24' } });
  const cfg = { keys: t.deps.keys, issuer: t.deps.env.JWT_ISSUER, audience: t.deps.env.JWT_AUDIENCE };
  const admin = await createAdmin(t.deps.db, {
    email: 'ops@example.test',
    password: 'a-long-admin-password',
    name: 'Ops',
  });
  if (admin.kind !== 'created') throw new Error('admin not created');
  adminToken = await signAccessToken(cfg, { sub: admin.id, role: 'admin' });
  studentToken = await signAccessToken(cfg, { sub: crypto.randomUUID(), role: 'student' });
});
afterAll(async () => {
  await t?.close();
});

describe('ops/alerts.yaml', () => {
  const base = readFileSync('ops/alerts.yaml', 'utf8');
  it('the shipped file is valid and covers every launch-gate line', () => {
    expect(parseAlerts(base).alerts.length).toBeGreaterThan(5);
  });
  it.each([
    ['an unknown signal', 'window: 30m\nalerts:\n  - { id: x, line: access, signal: nope, red: 0, why: w }', /signal/],
    [
      'amber above red',
      base.replace('amber: 25\n    red: 120', 'amber: 200\n    red: 120'),
      /amber: must not be above red/,
    ],
    [
      'a scope that is not a route class',
      base.replace('scope: [auth, pages]', 'scope: [auth, /etc/passwd]'),
      /scope\.1: unknown/,
    ],
    [
      'a line without alerts',
      'window: 30m\nalerts:\n  - { id: x, line: access, signal: duplicates, red: 0, why: w }',
      /no alert for the monetization line/,
    ],
    ['an unknown field', base.replace('window: 30m', 'window: 30m\nthreshold: 3'), /unrecognized key/i],
  ])('rejects %s, naming the field', (_, text, message) => {
    expect(() => parseAlerts(text)).toThrow(message);
  });
  it('npm run ops -- lint accepts the shipped file and refuses a bad one', () => {
    const ok = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ops.ts', 'lint'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/OK \(\d+ alerts/);
  });
});

describe('admin role', () => {
  it('admin:create makes an admin from --password-stdin, who can then log in; a taken email exits 1', () => {
    const run = () =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', 'scripts/admin-create.ts', '--email', 'Night.Ops@Example.test', '--password-stdin'],
        {
          input: 'correct horse battery staple\n',
          encoding: 'utf8',
          env: { ...process.env, DATABASE_URL: t.database.url },
        },
      );
    const first = run();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(run().status).toBe(1);
  });

  it('the admin logs in and lands on /ops', async () => {
    const res = await t.request('/api/auth/login', {
      json: { email: 'night.ops@example.test', password: 'correct horse battery staple' },
    });
    expect(res.status).toBe(200);
    const rows = (await t.deps.db.execute(
      sql`select role from users where email = 'night.ops@example.test'`,
    )) as unknown as { role: string }[];
    expect(rows[0].role).toBe('admin');
  });

  it('a short password is refused with the field named', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/admin-create.ts', '--email', 'x@example.test', '--password-stdin'],
      {
        input: 'short\n',
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: t.database.url },
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/password/);
  });
});

describe('GET /api/ops/status', () => {
  it('refuses students and anonymous callers; admins, the metrics token and QA addresses read it', async () => {
    expect((await t.request('/api/ops/status')).status).toBe(403);
    expect((await t.request('/api/ops/status', { token: studentToken })).status).toBe(403);
    const inits: (RequestInit & { token?: string })[] = [
      { token: adminToken },
      { headers: { authorization: `Bearer ${METRICS_TOKEN}` } },
      { headers: { 'x-forwarded-for': '203.0.113.9' } },
    ];
    for (const init of inits) {
      const res = await t.request('/api/ops/status', init);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.lines.map((l: { line: string }) => l.line)).toEqual([
        'access',
        'monetization',
        'performance',
        'security',
        'observability',
      ]);
    }
  });

  it('turns monetization red when a dead letter exists, and names the check', async () => {
    const before = await (await t.request('/api/ops/status', { token: adminToken })).json();
    expect(before.lines.find((l: { line: string }) => l.line === 'monetization').status).not.toBe('red');
    await t.deps.db.execute(
      sql`insert into outbox_messages (topic, payload, attempts, dead_at) values ('test', '{}'::jsonb, 9, now())`,
    );
    const after = await (await t.request('/api/ops/status?window=5m', { token: adminToken })).json();
    const line = after.lines.find((l: { line: string }) => l.line === 'monetization');
    expect(line.status).toBe('red');
    expect(line.checks.find((c: { id: string }) => c.id === 'dead-letters')).toMatchObject({ value: 1, status: 'red' });
    expect(after.status).toBe('red');
    expect(after.window).toBe('5m');
    await t.deps.db.execute(sql`delete from outbox_messages where topic = 'test'`);
  });
});

describe('/ops and /status pages', () => {
  it('send anonymous visitors and students to the login page', async () => {
    for (const path of ['/ops', '/status']) {
      expect((await t.request(path)).status).toBe(303);
      const student = await t.request(path, { headers: { cookie: `gh_access=${studentToken}` } });
      expect(student.headers.get('location')).toBe('/login');
    }
  });

  it('render every panel for an admin, server-side (no script needed)', async () => {
    await t.request('/api/search?q=x');
    const res = await t.request('/ops?window=1h', { headers: { cookie: `gh_access=${adminToken}` } });
    expect(res.status).toBe(200);
    const page = await res.text();
    for (const id of [
      'status',
      'requests',
      'latency',
      'waf',
      'ratelimit',
      'redis',
      'payments',
      'webhooks',
      'auth',
      'failures',
    ])
      expect(page).toContain(`id="panel-${id}"`);
    expect(page).not.toContain('<script');
    expect(page).toContain('<svg');
    expect(page).toMatch(/data-duplicates="0"/);
  });

  it('/status opens for a QA address without a login', async () => {
    const res = await t.request('/status', { headers: { 'x-forwarded-for': '203.0.113.20' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-line="security"');
  });
});
