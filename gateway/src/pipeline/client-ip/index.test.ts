import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../../env.ts';
import { clientIp } from './index.ts';

function app() {
  const a = new Hono<GatewayEnv>();
  a.use(clientIp());
  a.get('/', (c) => c.text(c.get('clientIp')));
  return a;
}

/** Request headers → the address later stages (rate limits, allowlists, logs) key on. */
const CASES: { name: string; headers: Record<string, string>; expect: string }[] = [
  { name: 'IPv4 from CF-Connecting-IP', headers: { 'cf-connecting-ip': '203.0.113.7' }, expect: '203.0.113.7' },
  { name: 'surrounding spaces trimmed', headers: { 'cf-connecting-ip': '  203.0.113.7 ' }, expect: '203.0.113.7' },
  { name: 'IPv6 in its normal form', headers: { 'cf-connecting-ip': '2001:DB8:0:0::1' }, expect: '2001:db8::1' },
  {
    name: 'IPv4-mapped IPv6 as the IPv4 address (one key per client)',
    headers: { 'cf-connecting-ip': '::ffff:198.51.100.2' },
    expect: '198.51.100.2',
  },
  { name: 'no header', headers: {}, expect: 'unknown' },
  { name: 'not an address', headers: { 'cf-connecting-ip': 'localhost' }, expect: 'unknown' },
  { name: 'a list is not an address', headers: { 'cf-connecting-ip': '1.2.3.4, 5.6.7.8' }, expect: 'unknown' },
  {
    name: 'X-Forwarded-For is never read (client-controlled)',
    headers: { 'x-forwarded-for': '10.0.0.1' },
    expect: 'unknown',
  },
  {
    name: 'X-Forwarded-For does not override CF-Connecting-IP',
    headers: { 'cf-connecting-ip': '203.0.113.7', 'x-forwarded-for': '10.0.0.1', 'x-real-ip': '10.0.0.2' },
    expect: '203.0.113.7',
  },
];

describe('client-ip stage', () => {
  it.each(CASES)('$name', async ({ headers, expect: want }) => {
    expect(await (await app().request('/', { headers })).text()).toBe(want);
  });
});
