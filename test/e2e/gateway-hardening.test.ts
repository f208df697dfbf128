import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../scripts/gateway.ts';
import { TEST_GATEWAY_SECRET } from '../support/backend.ts';
import { freePort, startStack, type Stack } from '../support/stack.ts';

/**
 * Issue 14, findings 1-5, against the running stack: the backend process on Postgres and gateways on
 * workerd. Raw HTTP request lines are written on a socket, since fetch() would resolve `\` and `//`
 * before sending and hide the attack.
 */
let stack: Stack;
let proxied: Awaited<ReturnType<typeof startGateway>>;
let evil: Server;
let evilHits = 0;
let evilPort = 0;

beforeAll(async () => {
  stack = await startStack();
  // A self-hosted gateway behind a proxy at 10.0.0.0/8: only X-Forwarded-For through it counts.
  proxied = await startGateway({
    port: await freePort(),
    env: {
      ...process.env,
      GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
      BACKEND_URL: stack.backendUrl,
      GATEWAY_ENV: 'development',
      CLIENT_IP_SOURCE: 'proxy',
      CLIENT_IP_HEADER: 'x-forwarded-for',
      TRUSTED_PROXY_CIDRS: '10.0.0.0/8',
    },
  });
  // The "foreign host" of finding 1: it must never see a request.
  evil = createServer((_req, res) => {
    evilHits++;
    res.end('foreign');
  });
  evilPort = await freePort();
  await new Promise<void>((r) => evil.listen(evilPort, '127.0.0.1', r));
});
afterAll(async () => {
  await proxied?.stop();
  await stack?.stop();
  await new Promise((r) => evil?.close(r));
});

/** Writes one raw HTTP/1.1 request and returns the status and body. */
function raw(base: string, method: string, target: string, headers: Record<string, string> = {}, body = '') {
  const { hostname, port, host } = new URL(base);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const sock = connect(Number(port), hostname);
    let data = '';
    sock.setEncoding('utf8');
    // workerd keeps the connection open a while after `connection: close`: stop at Content-Length.
    const done = () => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const len = Number(/\r\ncontent-length: *(\d+)/i.exec(data.slice(0, end))?.[1] ?? Number.NaN);
      if (Number.isNaN(len) || Buffer.byteLength(data.slice(end + 4)) < len) return false;
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), body: data.slice(end + 4) });
      sock.destroy();
      return true;
    };
    sock.on('data', (d) => {
      data += d;
      done();
    });
    sock.on('error', reject);
    sock.on('end', () => {
      if (!done())
        resolve({
          status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0),
          body: data.slice(data.indexOf('\r\n\r\n') + 4),
        });
    });
    const lines = [
      `${method} ${target} HTTP/1.1`,
      `host: ${host}`,
      'connection: close',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ...(body ? ['content-type: application/json', `content-length: ${Buffer.byteLength(body)}`] : []),
    ];
    sock.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  });
}

const json = (o: unknown) => JSON.stringify(o);
const login = (ip: string, email: string, password: string, path = '/api/auth/login') =>
  raw(stack.gatewayUrl, 'POST', path, { 'cf-connecting-ip': ip }, json({ email, password }));

describe('issue 14 against the running stack', () => {
  it('finding 1: //host, /\\host, ///host, //user:pass@host, decimal hosts never leave for another host', async () => {
    for (const target of [
      `//127.0.0.1:${evilPort}/x`,
      `/\\127.0.0.1:${evilPort}/x`,
      `///127.0.0.1:${evilPort}/x`,
      `//user:pass@127.0.0.1:${evilPort}/x`,
      `//2130706433:${evilPort}/x`,
    ]) {
      for (const method of ['GET', 'POST']) {
        const r = await raw(
          stack.gatewayUrl,
          method,
          target,
          { cookie: 'gh_access=victim', authorization: 'Bearer victim', 'cf-connecting-ip': '203.0.113.80' },
          method === 'POST' ? '{}' : '',
        );
        expect(r.status, `${method} ${target}`).toBe(400);
        expect(JSON.parse(r.body)).toMatchObject({ code: 'PATH_NOT_CANONICAL' });
      }
    }
    expect(evilHits).toBe(0);
  });

  it('finding 2: /api\\auth\\login is refused; the login limits hold on every spelling that reaches the backend', async () => {
    const email = `victim.${Date.now()}@example.test`;
    const signup = await raw(
      stack.gatewayUrl,
      'POST',
      '/api/auth/signup',
      { 'cf-connecting-ip': '203.0.113.81' },
      json({ email, password: 'correct-horse-battery', name: 'Victim' }),
    );
    expect(signup.status).toBe(202);
    for (let i = 0; i < 40; i++) {
      const r = await login('203.0.113.82', email, `wrong-${i}`, '/api\\auth\\login');
      expect(r.status).toBe(400);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await login('203.0.113.82', email, `wrong-${i}`, '/api/auth/%6Cogin')).status);
    // auth-login-account: 10 failures per 15 minutes, whatever the spelling of the path.
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect((await login('203.0.113.83', email, 'correct-horse-battery')).status).toBe(429);
  });

  it('finding 3: a login padded past 8 KiB is refused (413), a login without an email is refused (400)', async () => {
    const padded = await raw(
      stack.gatewayUrl,
      'POST',
      '/api/auth/login',
      { 'cf-connecting-ip': '203.0.113.84' },
      json({ email: 'pad@example.test', password: 'x', pad: 'x'.repeat(9000) }),
    );
    expect(padded.status).toBe(413);
    expect(JSON.parse(padded.body)).toMatchObject({ code: 'BODY_TOO_LARGE' });
    const none = await raw(stack.gatewayUrl, 'POST', '/api/auth/login', { 'cf-connecting-ip': '203.0.113.84' }, '{}');
    expect(none.status).toBe(400);
    expect(JSON.parse(none.body)).toMatchObject({ code: 'RATE_LIMIT_KEY_MISSING' });
  });

  it('finding 4: a self-hosted gateway trusts the client address only through its configured proxies', async () => {
    const get = (headers: Record<string, string>) =>
      fetch(`${proxied.url}/healthz`, { headers }).then(async (r) => {
        await r.arrayBuffer();
        return r.headers.get('x-client-class');
      });
    expect(await get({ 'cf-connecting-ip': '198.51.100.7' })).toBeNull();
    expect(await get({ 'x-forwarded-for': '198.51.100.7' })).toBe('qa'); // the nearest hop is the client
    expect(await get({ 'x-forwarded-for': '198.51.100.7, 10.1.2.3' })).toBe('qa');
    expect(await get({ 'x-forwarded-for': '198.51.100.7, 203.0.113.9' })).toBeNull();
    expect(await get({ 'x-forwarded-for': '0xc6.0x33.0x64.7, 10.1.2.3' })).toBeNull();
    expect(await get({ 'x-forwarded-for': '3325256711, 10.1.2.3' })).toBeNull();
    expect(await get({ 'x-forwarded-for': '::ffff:198.51.100.7, 10.1.2.3' })).toBe('qa');
  });

  it('finding 4: a production gateway without a trusted address source (or with an http backend) does not start', async () => {
    await expect(
      startGateway({
        port: await freePort(),
        env: { GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET, BACKEND_URL: stack.backendUrl, GATEWAY_ENV: 'production' },
      }),
    ).rejects.toThrow(/BACKEND_URL: must be https[\s\S]*CLIENT_IP_SOURCE: must be cloudflare or proxy/);
  });

  it('finding 5: 21 logins from one IPv6 /64 count as one client', async () => {
    // Sent together: one after another, on a loaded machine they can span a minute boundary, where the
    // sliding window counts the earlier ones at a discount and admits the 21st (seen once).
    const statuses = await Promise.all(
      Array.from(
        { length: 21 },
        async (_, i) =>
          (await login(`2001:db8:14:5:${(i + 1).toString(16)}::1`, `u${i + 1}.${Date.now()}@example.test`, 'x')).status,
      ),
    );
    // auth-login-ip: 20 a minute per client address, so exactly one of the 21 is refused.
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
  });
});
