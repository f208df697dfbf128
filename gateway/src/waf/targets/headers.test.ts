import { describe, expect, it } from 'vitest';
import { extractTargets } from './index.ts';
import { inspectRequest } from '../engine.ts';
import { compiledWaf } from '../../config/waf.ts';
import { req, shippedRules } from '../../../../test/support/gateway/waf.ts';

const LIMITS = { jsonMaxDepth: 32, maxFields: 1000 };
const headerTargets = (headers: Record<string, string>) =>
  extractTargets({ method: 'GET', url: '/', headers, body: null }, LIMITS, (s) => s)
    .targets.filter((t) => t.kind === 'header')
    .map((t) => t.name);

/** What Chrome, Firefox, Safari, fetch() and API clients send in the machine-format headers. */
const REAL_VALUES: Record<string, string[]> = {
  accept: [
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
    'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'application/json, text/plain, */*',
    '*/*',
    'application/problem+json',
  ],
  'accept-encoding': ['gzip, deflate, br, zstd', 'gzip, deflate', 'identity', 'br;q=1.0, gzip;q=0.8, *;q=0.1'],
  'accept-language': ['en-US,en;q=0.9', 'de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7', 'zh-CN,zh;q=0.9', 'en-US,en;q=0.5', '*'],
  'cache-control': ['max-age=0', 'no-cache', 'no-store, max-age=0'],
  pragma: ['no-cache'],
  connection: ['keep-alive', 'Upgrade', 'close'],
  'keep-alive': ['timeout=5, max=1000'],
  te: ['trailers'],
  priority: ['u=0, i', 'u=1'],
  'content-length': ['0', '1024'],
  'if-modified-since': ['Tue, 01 Dec 2026 08:00:00 GMT'],
  'if-none-match': ['W/"5e-abc123"', '"33a64df551425fcc55e4d42a148795d9f25f89d4"', '*'],
  'upgrade-insecure-requests': ['1'],
  dnt: ['1'],
  'sec-ch-ua': [
    '"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"',
    '"Not)A;Brand";v="99", "Microsoft Edge";v="127", "Chromium";v="127"',
    '"Not/A)Brand";v="8", "Chromium";v="126"',
    '" Not A;Brand";v="99", "Chromium";v="96"',
    '"Not?A_Brand";v="99", "Chromium";v="130"',
  ],
  'sec-ch-ua-mobile': ['?0', '?1'],
  'sec-ch-ua-platform': ['"macOS"', '"Windows"', '"Chrome OS"'],
  'sec-fetch-dest': ['document', 'empty'],
  'sec-fetch-mode': ['navigate', 'cors'],
  'sec-fetch-site': ['same-origin', 'none', 'cross-site'],
  'sec-fetch-user': ['?1'],
  authorization: [
    'Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIiwicm9sZSI6InN0dWRlbnQifQ.c2lnbmF0dXJlLXBhcnQ',
    'Basic dXNlcjpwYXNzd29yZA==',
  ],
  'idempotency-key': ['3f1c9c8e-2b7a-4d0e-9f6a-1b2c3d4e5f60'],
  'cf-connecting-ip': ['198.51.100.7', '2001:db8::1'],
  'cf-ipcountry': ['US'],
  'cf-visitor': ['{"scheme":"https"}'],
  'x-forwarded-proto': ['https'],
};

describe('machine-format headers', () => {
  for (const [name, values] of Object.entries(REAL_VALUES))
    it(`${name}: real values are not inspected`, () => {
      for (const value of values) expect(headerTargets({ [name]: value }), value).toEqual([]);
    });

  it('a value outside the header format is inspected like any other header', () => {
    expect(headerTargets({ 'accept-language': "en-US' or 1=1--" })).toEqual(['accept-language']);
    expect(headerTargets({ authorization: 'Bearer <svg onload=alert(1)>' })).toEqual(['authorization']);
    expect(headerTargets({ 'if-none-match': '"<script>alert(1)</script>"' })).toEqual(['if-none-match']);
    expect(headerTargets({ 'cache-control': 'no-cache; cat /etc/passwd' })).toEqual(['cache-control']);
    expect(headerTargets({ dnt: '1;id' })).toEqual(['dnt']);
  });

  it('host and cookie are never header targets (protocol rules; cookies are split)', () => {
    expect(headerTargets({ host: "x' or 1=1--", cookie: 'a=b' })).toEqual([]);
  });

  it('an attack in a machine-format header blocks a POST', () => {
    const waf = compiledWaf(shippedRules());
    const blocked = (headers: Record<string, string>) =>
      inspectRequest(req('POST', '/api/eligibility', { headers, json: {} }), waf).action;
    expect(blocked({ 'accept-language': "en' OR 1=1--" })).toBe('block');
    expect(blocked({ accept: '<script>alert(1)</script>' })).toBe('block');
    expect(blocked({ 'accept-language': 'en-US,en;q=0.9', accept: '*/*' })).toBe('allow');
  });
});
