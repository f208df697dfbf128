import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisBridge, type RedisBridge } from '../support/redis-bridge/server.ts';

/** The bridge speaks Upstash's REST protocol: what @upstash/redis sends, it must answer alike. */
const TOKEN = `bridge-${randomUUID()}`;
const K = `test:bridge:${randomUUID()}`;
let bridge: RedisBridge;
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function call(path: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(bridge.url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as unknown };
}

beforeAll(async () => {
  bridge = await startRedisBridge({ token: TOKEN });
});
afterAll(async () => {
  await bridge?.close();
});

describe('Upstash REST bridge', () => {
  it.each([
    { name: 'single command', path: '/', body: ['SET', `${K}:a`, 'v1'], status: 200, expect: { result: 'OK' } },
    { name: 'numbers as arguments', path: '/', body: ['SET', `${K}:n`, 41], status: 200, expect: { result: 'OK' } },
    { name: 'integer reply', path: '/', body: ['INCR', `${K}:n`], status: 200, expect: { result: 42 } },
    { name: 'path form', path: `/get/${encodeURIComponent(`${K}:a`)}`, status: 200, expect: { result: 'v1' } },
    { name: 'nil reply', path: '/', body: ['GET', `${K}:missing`], status: 200, expect: { result: null } },
    {
      name: 'error reply is a 400',
      path: '/',
      body: ['INCR', `${K}:a`],
      status: 400,
      expect: { error: 'ERR value is not an integer or out of range' },
    },
    {
      name: 'malformed command',
      path: '/',
      body: { not: 'an array' },
      status: 400,
      expect: { error: 'ERR failed to parse command' },
    },
  ])('$name', async ({ path, body, status, expect: want }) => {
    const r = await call(path, body);
    expect(r.status).toBe(status);
    expect(r.json).toEqual(want);
  });

  it('pipeline answers one entry per command, errors in place', async () => {
    const r = await call('/pipeline', [
      ['SET', `${K}:p`, 'x'],
      ['INCR', `${K}:p`],
      ['GET', `${K}:p`],
    ]);
    expect(r).toEqual({
      status: 200,
      json: [{ result: 'OK' }, { error: 'ERR value is not an integer or out of range' }, { result: 'x' }],
    });
  });

  it('multi-exec runs the commands as one transaction', async () => {
    const r = await call('/multi-exec', [
      ['SET', `${K}:m`, '1'],
      ['INCRBY', `${K}:m`, 4],
      ['GET', `${K}:m`],
    ]);
    expect(r).toEqual({ status: 200, json: [{ result: 'OK' }, { result: 5 }, { result: '5' }] });
  });

  it('base64 encoding when asked: strings encoded, OK and integers not', async () => {
    const h = { 'upstash-encoding': 'base64' };
    await call('/', ['SET', `${K}:u`, 'héllo'], h);
    expect((await call('/', ['GET', `${K}:u`], h)).json).toEqual({ result: b64('héllo') });
    expect(
      (
        await call(
          '/pipeline',
          [
            ['SET', `${K}:u2`, 'z'],
            ['STRLEN', `${K}:u2`],
            ['MGET', `${K}:u2`, `${K}:none`],
          ],
          h,
        )
      ).json,
    ).toEqual([{ result: 'OK' }, { result: 1 }, { result: [b64('z'), null] }]);
  });

  it('wrong or missing token: 401 as Upstash answers', async () => {
    for (const authorization of ['Bearer wrong', '']) {
      const r = await fetch(bridge.url + '/', { method: 'POST', headers: { authorization }, body: '["PING"]' });
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({ error: 'Unauthorized' });
    }
  });

  it('EVAL, SCRIPT LOAD and EVALSHA with an Upstash-only shebang flag, under the client SHA', async () => {
    const script = '#!lua flags=allow-key-locking\nreturn redis.call("INCRBY", KEYS[1], ARGV[1])';
    const sha = createHash('sha1').update(script).digest('hex');
    expect((await call('/', ['SCRIPT', 'LOAD', script])).json).toEqual({ result: sha });
    expect((await call('/', ['EVALSHA', sha, 1, `${K}:e`, 2])).json).toEqual({ result: 2 });
    expect((await call('/', ['EVAL', script, 1, `${K}:e`, 3])).json).toEqual({ result: 5 });
    const unknown = await call('/', ['EVALSHA', 'f'.repeat(40), 0]);
    expect(unknown.status).toBe(400);
    expect(String((unknown.json as { error: string }).error)).toMatch(/NOSCRIPT/);
  });
});
