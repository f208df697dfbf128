import { describe, expect, it } from 'vitest';
import { inspectRequest } from './engine.ts';
import { maskTokens, recordVerdict, REDACTED, wafEvent } from './events.ts';
import { gatewayRegistry } from '../metrics/registry.ts';
import { gatewayMetric } from '../../../test/support/gateway/metrics.ts';
import { probeWaf, req } from '../../../test/support/gateway/waf.ts';

const waf = probeWaf();
const event = (v: ReturnType<typeof inspectRequest>) =>
  wafEvent(v, { requestId: 'rid-1', route: 'default', method: 'POST', rules: waf.rules, sensitive: waf.sensitive });

describe('event line', () => {
  it('carries request id, route, method, mode, action, score, threshold, rule ids and field paths', () => {
    const v = inspectRequest(
      req('POST', '/api/x', { json: { profile: { bio: 'hello PROBE_XSS there' }, n: 'PROBE_NOTICE' } }),
      waf,
    );
    expect(event(v)).toMatchObject({
      msg: 'waf',
      request_id: 'rid-1',
      route: 'default',
      method: 'POST',
      mode: 'block',
      action: 'block',
      would_block: true,
      score: 7,
      threshold: 5,
      primary_rule: 'WAF_TEST_002',
      rules: ['WAF_TEST_002', 'WAF_TEST_004'],
      matches: [
        {
          rule: 'WAF_TEST_002',
          family: 'xss',
          severity: 'critical',
          field: 'json:$.profile.bio',
          excerpt: 'hello PROBE_XSS there',
        },
        { rule: 'WAF_TEST_004', family: 'rce', severity: 'notice', field: 'json:$.n', excerpt: 'PROBE_NOTICE' },
      ],
    });
  });
  it('never logs a password, token, authorization, sensitive cookie or a field marked sensitive', () => {
    const secret = 'hunter2-PROBE_XSS-correct-horse';
    const v = inspectRequest(
      // Not a route with credential exclusions (there the password is opaque and never inspected).
      req('POST', '/api/me/account', {
        json: {
          password: secret,
          user: { new_password: secret },
          refresh_token: secret,
          ssn: secret,
          note: 'ok PROBE_XSS',
        },
        headers: {
          authorization: `Bearer ${secret}`,
          cookie: `session_id=${secret}; theme=PROBE_XSS`,
          'x-api-token': secret,
        },
      }),
      waf,
    );
    const line = JSON.stringify(event(v));
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain('correct-horse');
    const byField = Object.fromEntries(event(v).matches.map((m) => [m.field, m.excerpt]));
    expect(byField['json:$.password']).toBe(REDACTED);
    expect(byField['json:$.ssn']).toBe(REDACTED);
    expect(byField['cookie:session_id']).toBe(REDACTED);
    expect(byField['cookie:theme']).toBe('PROBE_XSS');
    expect(byField['json:$.note']).toBe('ok PROBE_XSS');
  });
  it('keeps excerpts short and masks token-like runs anywhere', () => {
    const long = 'x'.repeat(10) + ' PROBE_XSS ' + 'y '.repeat(100);
    const e = event(inspectRequest(req('POST', '/x', { json: { a: long } }), waf));
    expect(e.matches[0].excerpt.length).toBeLessThanOrEqual(40);
    expect(maskTokens('id eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig and more')).toBe(`id ${REDACTED} and more`);
    expect(maskTokens('short words stay')).toBe('short words stay');
  });
});

describe('counters', () => {
  // The counters are per-isolate totals with no reset (production has none either): tests read deltas
  // of the text GET /__gateway/metrics serves.
  const SERIES: [name: string, labels: Record<string, string>, delta: number][] = [
    ['gatehouse_waf_requests_total', { action: 'block' }, 1],
    ['gatehouse_waf_requests_total', { action: 'monitor' }, 1],
    ['gatehouse_waf_requests_total', { action: 'allow' }, 1],
    ['gatehouse_waf_matches_total', { rule: 'WAF_TEST_001', action: 'block' }, 1],
    ['gatehouse_waf_matches_total', { rule: 'WAF_TEST_001', action: 'monitor' }, 1],
    ['gatehouse_waf_matches_total', { rule: 'WAF_TEST_001', action: 'allow' }, 0],
    ['gatehouse_waf_matches_total', { rule: 'WAF_TEST_004', action: 'block' }, 1],
    ['gatehouse_waf_matches_total', { rule: 'WAF_TEST_004', action: 'monitor' }, 0],
    ['gatehouse_waf_blocks_total', { rule: 'WAF_TEST_001' }, 1],
  ];
  // First in this file: nothing has been counted in this module yet.
  it('show every action from the start, before any request is counted', () => {
    for (const action of ['block', 'monitor', 'allow'])
      expect(gatewayRegistry.render()).toMatch(
        new RegExp(`^gatehouse_waf_requests_total\\{action="${action}"\\} \\d+$`, 'm'),
      );
  });
  it('count requests by action, matches by rule and action, blocks by primary rule', () => {
    const before = SERIES.map(([name, labels]) => gatewayMetric(name, labels));
    recordVerdict(inspectRequest(req('POST', '/x?a=PROBE_SQLI&b=PROBE_NOTICE'), waf));
    recordVerdict(inspectRequest(req('GET', '/x?a=PROBE_SQLI'), waf));
    recordVerdict(inspectRequest(req('GET', '/x'), waf));
    expect(SERIES.map(([name, labels], i) => gatewayMetric(name, labels) - before[i])).toEqual(
      SERIES.map(([, , delta]) => delta),
    );
    const text = gatewayRegistry.render();
    const monitor = gatewayMetric('gatehouse_waf_matches_total', { rule: 'WAF_TEST_001', action: 'monitor' });
    expect(text).toContain(`gatehouse_waf_matches_total{rule="WAF_TEST_001",action="monitor"} ${monitor}`);
    expect(text).toMatch(/# TYPE gatehouse_waf_blocks_total counter/);
  });
});
