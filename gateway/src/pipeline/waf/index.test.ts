import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Hono, type MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import { requestId } from '../request-id/index.ts';
import { body } from '../body/index.ts';
import { waf, WAF_MONITOR_ONLY } from './index.ts';
import { probeWaf, rulesWith, shippedRules } from '../../../../test/support/gateway/waf.ts';
import { gatewayMetric } from '../../../../test/support/gateway/metrics.ts';
import { gatewayRegistry } from '../../metrics/registry.ts';
import type { WafRules } from '../../config/schema/waf.ts';

/** The three stages under test plus a terminal handler that reports what reached "the backend". */
function app(rules: WafRules = shippedRules(), grants?: string[]) {
  const a = new Hono<GatewayEnv>();
  a.use(requestId());
  if (grants)
    a.use((async (c, next) => {
      c.set('grants', new Set(grants));
      await next();
    }) as MiddlewareHandler<GatewayEnv>);
  a.use(body(rules));
  a.use(waf(rules, probeWaf(rules)));
  a.all('*', (c) =>
    c.json({ reached: true, verdict: c.get('wafVerdict') ?? null, bytes: c.get('body')?.byteLength ?? null }),
  );
  return a;
}

const ATTACK = 'name=PROBE_SQLI%20and%20more';
const post = (a: Hono<GatewayEnv>, path: string, bodyText: string, headers: Record<string, string> = {}) =>
  a.request(path, {
    method: 'POST',
    body: bodyText,
    headers: { host: 'gatehouse.test', 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });

let logs: string[];
beforeEach(() => {
  logs = [];
  vi.spyOn(console, 'log').mockImplementation((s: unknown) => {
    logs.push(String(s));
  });
});
afterEach(() => vi.restoreAllMocks());
const events = () => logs.filter((l) => l.includes('"msg":"waf"')).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('WAF stage', () => {
  it('blocks a POST with 403 problem+json: code = primary rule, request id, no payload echo', async () => {
    const r = await post(app(), '/api/auth/signup', ATTACK);
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    const text = await r.text();
    expect(text).not.toContain('PROBE_SQLI');
    expect(text).not.toContain('and more');
    const p = JSON.parse(text);
    expect(p).toMatchObject({ status: 403, code: 'WAF_TEST_001', request_id: r.headers.get('x-request-id') });
    expect(events()).toEqual([
      expect.objectContaining({
        action: 'block',
        rules: ['WAF_TEST_001'],
        request_id: p.request_id,
        route: 'default',
        method: 'POST',
      }),
    ]);
  });
  it('a field without its declared format blocks with the format code, naming the field, never the value', async () => {
    const payload = "' OR '1'='1' --";
    const r = await app().request('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ email: payload, password: 'PROBE_XSS is opaque here' }),
      headers: { host: 'gatehouse.test', 'content-type': 'application/json' },
    });
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    const text = await r.text();
    expect(text).not.toContain("'1'='1'");
    expect(JSON.parse(text)).toMatchObject({
      code: 'WAF_FORMAT_EMAIL_001',
      errors: [{ path: 'email', message: 'must be an email address' }],
    });
  });
  it('answers browsers with a small HTML page that names the rule and request id only', async () => {
    const r = await post(app(), '/api/auth/signup', ATTACK, { accept: 'text/html,application/xhtml+xml' });
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await r.text();
    expect(html).toContain('WAF_TEST_001');
    expect(html).toContain(r.headers.get('x-request-id')!);
    expect(html).not.toContain('PROBE_SQLI');
  });
  it('lets the same attack on GET pass in monitor mode, with an event and the verdict set', async () => {
    const r = await app().request('/api/scholarships?state=PROBE_SQLI', { headers: { host: 'gatehouse.test' } });
    expect(r.status).toBe(200);
    const j = (await r.json()) as { verdict: Record<string, unknown> };
    expect(j.verdict).toMatchObject({
      mode: 'monitor',
      action: 'monitor',
      wouldBlock: true,
      primaryRule: 'WAF_TEST_001',
    });
    expect(events()).toEqual([expect.objectContaining({ action: 'monitor', mode: 'monitor', would_block: true })]);
  });
  it('clean requests pass with a clean verdict and no event', async () => {
    const r = await post(app(), '/api/auth/login', 'email=a%40b.test&password=p%27%3B+DROP--%22%3Cx%3E');
    expect(await r.json()).toMatchObject({ reached: true, verdict: { action: 'allow', score: 0 } });
    expect(events()).toEqual([]);
  });
  it('honours the waf_monitor_only grant: inspects and logs, never blocks', async () => {
    const r = await post(app(shippedRules(), [WAF_MONITOR_ONLY]), '/api/auth/signup', ATTACK);
    expect(r.status).toBe(200);
    expect(events()).toEqual([expect.objectContaining({ action: 'monitor', would_block: true })]);
  });
  it('does not inspect routes in mode off and sets no verdict', async () => {
    const rules = rulesWith({ routes: [{ match: '/api/webhooks/**', modes: { '*': 'off' } }] });
    const r = await post(app(rules), '/api/webhooks/psp', ATTACK);
    expect(await r.json()).toMatchObject({ reached: true, verdict: null });
    expect(events()).toEqual([]);
  });
});

describe('body stage', () => {
  it('reads the body once and hands the same bytes on', async () => {
    const text = 'a=' + 'x'.repeat(5000);
    const r = await post(app(), '/api/x', text);
    expect(await r.json()).toMatchObject({ reached: true, bytes: 5002 });
  });
  it('over max_inspected_bytes with over_limit block: 413 BODY_TOO_LARGE, nothing forwarded', async () => {
    const rules = rulesWith({ body: { max_inspected_bytes: 2048, over_limit: 'block' } });
    const r = await post(app(rules), '/api/x', 'a=' + 'x'.repeat(3000));
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });
  it('inspect_prefix forwards everything, inspects the prefix and notes WAF_PROTO_007', async () => {
    const rules = rulesWith({ body: { max_inspected_bytes: 2048, over_limit: 'inspect_prefix' } });
    const late = 'a=' + 'x'.repeat(3000) + '&b=PROBE_SQLI';
    const r = await post(app(rules), '/api/x', late);
    const j = (await r.json()) as { bytes: number; verdict: { matches: { ruleId: string }[] } };
    expect(j.bytes).toBe(late.length);
    expect(j.verdict.matches.map((m) => m.ruleId)).toEqual(['WAF_PROTO_007']);
    const early = 'b=PROBE_SQLI&a=' + 'x'.repeat(3000);
    expect((await post(app(rules), '/api/x', early)).status).toBe(403);
  });
  it('inspect_prefix still refuses bodies over max_forwarded_bytes', async () => {
    const rules = rulesWith({
      body: { max_inspected_bytes: 1024, over_limit: 'inspect_prefix', max_forwarded_bytes: 4096 },
    });
    expect((await post(app(rules), '/api/x', 'a=' + 'x'.repeat(5000))).status).toBe(413);
  });
});

describe('metrics endpoint', () => {
  it('counts blocks by rule in the Prometheus text the gateway metrics endpoint serves', async () => {
    const blocked = () => gatewayMetric('gatehouse_waf_requests_total', { action: 'block' });
    const byRule = () => gatewayMetric('gatehouse_waf_blocks_total', { rule: 'WAF_TEST_001' });
    const before = { blocked: blocked(), byRule: byRule() };
    await post(app(), '/api/auth/signup', ATTACK);
    expect(blocked() - before.blocked).toBe(1);
    expect(byRule() - before.byRule).toBe(1);
    expect(gatewayRegistry.render()).toContain(`gatehouse_waf_blocks_total{rule="WAF_TEST_001"} ${byRule()}`);
  });
});
