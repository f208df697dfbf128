import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGateway } from '../app.ts';
import { bundledRules } from './bundled.ts';
import { BindingsError, parseBindings } from './bindings.ts';

const DEV = {
  GATEWAY_ENV: 'development',
  BACKEND_URL: 'http://127.0.0.1:8788',
  GATEWAY_SHARED_SECRET: 'test-gateway-secret-0123456789',
  CLIENT_IP_SOURCE: 'header',
};
const PROD = {
  ...DEV,
  GATEWAY_ENV: 'production',
  BACKEND_URL: 'https://origin.example',
  CLIENT_IP_SOURCE: 'cloudflare',
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseBindings(env);
    return [];
  } catch (e) {
    if (!(e instanceof BindingsError)) throw e;
    return e.problems.map((p) => p.variable);
  }
}

afterEach(() => vi.restoreAllMocks());

describe('gateway bindings (validated with zod once per isolate)', () => {
  it.each([
    ['a bad BACKEND_URL', { ...DEV, BACKEND_URL: 'not a url' }, ['BACKEND_URL']],
    ['a BACKEND_URL with a path', { ...DEV, BACKEND_URL: 'http://127.0.0.1:8788/api' }, ['BACKEND_URL']],
    ['http BACKEND_URL in production', { ...PROD, BACKEND_URL: 'http://origin.example' }, ['BACKEND_URL']],
    ['no trusted client address in production', { ...PROD, CLIENT_IP_SOURCE: undefined }, ['CLIENT_IP_SOURCE']],
    ['a header trusted from anyone in production', { ...PROD, CLIENT_IP_SOURCE: 'header' }, ['CLIENT_IP_SOURCE']],
    [
      'proxy without CIDRs',
      { ...PROD, CLIENT_IP_SOURCE: 'proxy', CLIENT_IP_HEADER: 'x-forwarded-for' },
      ['TRUSTED_PROXY_CIDRS'],
    ],
    [
      'a bad proxy CIDR',
      { ...PROD, CLIENT_IP_SOURCE: 'proxy', CLIENT_IP_HEADER: 'x-real-ip', TRUSTED_PROXY_CIDRS: '10.0.0.1/8' },
      ['TRUSTED_PROXY_CIDRS'],
    ],
    ['a short secret', { ...DEV, GATEWAY_SHARED_SECRET: 'x' }, ['GATEWAY_SHARED_SECRET']],
    [
      'Upstash URL without token',
      { ...DEV, UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:8079' },
      ['UPSTASH_REDIS_REST_TOKEN'],
    ],
    ['unset GATEWAY_ENV means production', { ...DEV, GATEWAY_ENV: undefined }, ['BACKEND_URL', 'CLIENT_IP_SOURCE']],
  ])('%s is refused, naming the variable', (_name, env, vars) => {
    expect(problems(env).sort()).toEqual(vars.sort());
  });

  it('accepts development and production bindings', () => {
    expect(problems(DEV)).toEqual([]);
    expect(problems(PROD)).toEqual([]);
    expect(parseBindings(PROD).backendOrigin).toBe('https://origin.example');
  });

  it('keeps the client-address header name in lower case (the proxy drops it by name)', () => {
    const s = parseBindings({ ...DEV, CLIENT_IP_HEADER: 'X-Real-IP' });
    expect(s.clientIp.header).toBe('x-real-ip');
  });

  it('a bad BACKEND_URL answers 500 GATEWAY_MISCONFIGURED (no detail to the client) and logs the variable once', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = createGateway(bundledRules());
    const env = { ...DEV, BACKEND_URL: 'htp:/nowhere' };
    for (let i = 0; i < 3; i++) {
      const r = await app.fetch(new Request('https://gateway.test/'), env);
      expect(r.status).toBe(500);
      const body = (await r.json()) as { code: string };
      expect(body.code).toBe('GATEWAY_MISCONFIGURED');
      expect(JSON.stringify(body)).not.toContain('BACKEND_URL');
    }
    const lines = log.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('gateway misconfigured'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('BACKEND_URL');
  });
});
