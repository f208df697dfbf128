import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  accessApp,
  accessRules,
  makeKeys,
  stubBackend,
  type Upstream,
} from '../../../../test/support/gateway/access.ts';
import { bundledCrawlerRanges } from '../../access/bundled-crawlers.ts';
import type { CrawlerRangesFile } from '../../config/schema/crawler-ranges.ts';
import type { Verdict } from '../../waf/types.ts';

const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const BINGBOT =
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0 Safari/537.36';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

const RANGES: CrawlerRangesFile = {
  version: 1,
  operators: {
    googlebot: {
      source: 'test',
      fetched_at: null,
      published_at: null,
      cidrs: ['66.249.64.0/27', '2001:4860:4801:10::/64'],
    },
    bingbot: { source: 'test', fetched_at: null, published_at: null, cidrs: ['157.55.39.0/24'] },
  },
};

const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const today = new Date().toISOString().slice(0, 10);
const rules = accessRules((raw) => {
  raw.allowlist.push(
    {
      name: 'qa-expired',
      class: 'qa',
      cidrs: ['203.0.113.0/28'],
      owner: 'qa',
      reason: 'old office',
      expires_at: yesterday,
      grants: ['debug_headers', 'skip_rate_limit'],
    },
    {
      name: 'qa-last-day',
      class: 'qa',
      cidrs: ['203.0.113.64/28'],
      owner: 'qa',
      reason: 'moving out',
      expires_at: today,
      grants: ['debug_headers'],
    },
  );
});

interface Case {
  name: string;
  ip?: string;
  ua?: string;
  cf?: unknown;
  headers?: Record<string, string>;
  expect: { clientClass: string; grants: string[]; spoofedCrawler: boolean };
}

const ANON = { clientClass: 'anonymous', grants: [], spoofedCrawler: false };
const QA = { clientClass: 'qa', grants: ['debug_headers', 'skip_rate_limit'], spoofedCrawler: false };
const CRAWLER = { clientClass: 'verified_crawler', grants: [], spoofedCrawler: false };
const SPOOFED = { clientClass: 'anonymous', grants: [], spoofedCrawler: true };

const cases: Case[] = [
  { name: 'QA range, IPv4', ip: '198.51.100.7', expect: QA },
  { name: 'QA range, IPv6', ip: '2001:db8:4a:1::1234', expect: QA },
  { name: 'QA range, IPv6 written in another form', ip: '2001:0db8:004a:0000:0000:0000:0000:0001', expect: QA },
  { name: 'QA range, IPv4-mapped IPv6', ip: '::ffff:198.51.100.7', expect: QA },
  { name: 'next to the QA IPv6 range', ip: '2001:db8:4b::1', expect: ANON },
  { name: 'next to the QA IPv4 range', ip: '198.51.101.1', expect: ANON },
  { name: 'an expired QA entry grants nothing', ip: '203.0.113.5', expect: ANON },
  {
    name: 'a QA entry on its last day (date = through that day)',
    ip: '203.0.113.70',
    expect: { clientClass: 'qa', grants: ['debug_headers'], spoofedCrawler: false },
  },
  {
    name: 'uptime monitor',
    ip: '192.0.2.10',
    expect: { clientClass: 'monitor', grants: ['skip_rate_limit'], spoofedCrawler: false },
  },
  { name: 'no CF-Connecting-IP', expect: ANON },
  {
    name: 'X-Forwarded-For is never trusted',
    ip: '203.0.113.200',
    headers: { 'x-forwarded-for': '198.51.100.7', 'x-real-ip': '198.51.100.7' },
    expect: ANON,
  },
  { name: 'Googlebot from its published IPv4 range', ip: '66.249.64.5', ua: GOOGLEBOT, expect: CRAWLER },
  { name: 'Googlebot from its published IPv6 range', ip: '2001:4860:4801:10::2a', ua: GOOGLEBOT, expect: CRAWLER },
  { name: 'Bingbot from its published range', ip: '157.55.39.12', ua: BINGBOT, expect: CRAWLER },
  { name: 'spoofed Googlebot UA from an unlisted address', ip: '203.0.113.200', ua: GOOGLEBOT, expect: SPOOFED },
  { name: 'spoofed Googlebot UA from just outside the range', ip: '66.249.64.32', ua: GOOGLEBOT, expect: SPOOFED },
  {
    name: 'spoofed Googlebot UA with X-Forwarded-For set to a Google address',
    ip: '203.0.113.200',
    ua: GOOGLEBOT,
    headers: { 'x-forwarded-for': '66.249.64.5' },
    expect: SPOOFED,
  },
  { name: "Googlebot UA from Bing's range", ip: '157.55.39.12', ua: GOOGLEBOT, expect: SPOOFED },
  { name: 'spoofed Googlebot UA without any address', ua: GOOGLEBOT, expect: SPOOFED },
  {
    name: 'Cloudflare-verified bot outside the published ranges',
    ip: '203.0.113.200',
    ua: GOOGLEBOT,
    cf: { botManagement: { verifiedBot: true } },
    expect: CRAWLER,
  },
  {
    name: 'Cloudflare says not verified',
    ip: '203.0.113.200',
    ua: GOOGLEBOT,
    cf: { botManagement: { verifiedBot: false } },
    expect: SPOOFED,
  },
  { name: "a browser from Google's range is an ordinary client", ip: '66.249.64.5', ua: BROWSER, expect: ANON },
  {
    name: 'QA address sending a crawler UA stays QA (and is flagged)',
    ip: '198.51.100.7',
    ua: GOOGLEBOT,
    expect: { ...QA, spoofedCrawler: true },
  },
];

describe('client classification', () => {
  const gw = accessApp(rules, { crawlerRanges: RANGES, echoVars: true });
  for (const c of cases) {
    it(c.name, async () => {
      const headers: Record<string, string> = { ...c.headers };
      if (c.ip) headers['cf-connecting-ip'] = c.ip;
      if (c.ua) headers['user-agent'] = c.ua;
      const r = await gw.request('/anything', { headers, cf: c.cf } as RequestInit);
      expect(await r.json()).toMatchObject(c.expect);
    });
  }

  it('ignores Cloudflare verification when the rule file turns it off', async () => {
    const strict = accessApp(
      accessRules((raw) => {
        raw.crawlers.trust_cloudflare_verified_bot = false;
      }),
      { crawlerRanges: RANGES, echoVars: true },
    );
    const r = await strict.request('/', {
      headers: { 'cf-connecting-ip': '203.0.113.200', 'user-agent': GOOGLEBOT },
      cf: { botManagement: { verifiedBot: true } },
    } as RequestInit);
    expect(await r.json()).toMatchObject(SPOOFED);
  });

  it('gives verified crawlers the grants the file names for them, and only them', async () => {
    const granted = accessApp(
      accessRules((raw) => {
        raw.crawlers.grants = ['skip_rate_limit'];
      }),
      { crawlerRanges: RANGES, echoVars: true },
    );
    const ok = await granted.request('/', { headers: { 'cf-connecting-ip': '66.249.64.5', 'user-agent': GOOGLEBOT } });
    expect(await ok.json()).toMatchObject({ ...CRAWLER, grants: ['skip_rate_limit'] });
    const spoofed = await granted.request('/', {
      headers: { 'cf-connecting-ip': '203.0.113.200', 'user-agent': GOOGLEBOT },
    });
    expect(await spoofed.json()).toMatchObject(SPOOFED);
  });

  it('uses the bundled crawlers.json by default', async () => {
    const gwBundled = accessApp(accessRules(), { echoVars: true });
    const ip = bundledCrawlerRanges().operators.googlebot.cidrs[0].split('/')[0];
    expect(
      await (await gwBundled.request('/', { headers: { 'cf-connecting-ip': ip, 'user-agent': GOOGLEBOT } })).json(),
    ).toMatchObject(CRAWLER);
  });
});

describe('debug headers (grant debug_headers)', () => {
  let up: Upstream;
  beforeEach(async () => {
    up = stubBackend([(await makeKeys()).publicJwk]);
  });
  afterEach(() => vi.unstubAllGlobals());

  const verdict: Verdict = {
    wouldBlock: true,
    action: 'block',
    mode: 'block',
    score: 10,
    threshold: 5,
    primaryRule: 'WAF_SQLI_001',
    reason: 'over_threshold',
    matches: [
      { ruleId: 'WAF_SQLI_001', target: { kind: 'query', name: 'q', value: 'x', raw: 'x' }, excerpt: '' },
      { ruleId: 'WAF_SQLI_002', target: { kind: 'query', name: 'q', value: 'x', raw: 'x' }, excerpt: '' },
    ],
  };

  it('shows the verdict and client class to QA', async () => {
    const gw = accessApp(rules, { crawlerRanges: RANGES, wafVerdict: verdict });
    const r = await gw.request('/api/scholarships', { headers: { 'cf-connecting-ip': '198.51.100.7' } });
    expect(r.headers.get('x-waf-verdict')).toBe('block');
    expect(r.headers.get('x-waf-rules')).toBe('WAF_SQLI_001, WAF_SQLI_002');
    expect(r.headers.get('x-waf-score')).toBe('10/5');
    expect(r.headers.get('x-client-class')).toBe('qa');
  });

  it('says "none" when the WAF did not run', async () => {
    const gw = accessApp(rules, { crawlerRanges: RANGES });
    const r = await gw.request('/api/scholarships', { headers: { 'cf-connecting-ip': '2001:db8:4a::9' } });
    expect(r.headers.get('x-waf-verdict')).toBe('none');
    expect(r.headers.get('x-client-class')).toBe('qa');
  });

  for (const [who, ip] of [
    ['an anonymous client', '203.0.113.200'],
    ['an expired QA entry', '203.0.113.5'],
    ['a monitor (no debug grant)', '192.0.2.10'],
  ]) {
    it(`never shows them to ${who}, even when the backend sends some`, async () => {
      up.responseHeaders = {
        'x-waf-verdict': 'allow',
        'x-waf-rules': 'WAF_SQLI_001',
        'x-waf-score': '0',
        'x-client-class': 'qa',
      };
      const gw = accessApp(rules, { crawlerRanges: RANGES, wafVerdict: verdict });
      const r = await gw.request('/api/scholarships', { headers: { 'cf-connecting-ip': ip } });
      expect(r.status).toBe(200);
      for (const h of ['x-waf-verdict', 'x-waf-rules', 'x-waf-score', 'x-client-class'])
        expect(r.headers.get(h)).toBeNull();
    });
  }
});
