import { describe, expect, it } from 'vitest';
import { inspect, inspectRequest } from './engine.ts';
import { probeWaf, req, rulesWith, shippedRules } from '../../../test/support/gateway/waf.ts';

const rulesOf = (v: { matches: { ruleId: string }[] }) => [...new Set(v.matches.map((m) => m.ruleId))].sort();
const form = (body: string) => ({ body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

describe('scoring', () => {
  const waf = probeWaf();
  it('sums distinct rules and counts a rule once however many fields it hits', () => {
    const v = inspectRequest(req('POST', '/api/x', form('a=PROBE_SQLI&b=PROBE_SQLI&c=PROBE_WARN')), waf);
    expect(v.score).toBe(5 + 3);
    expect(v.matches.filter((m) => m.ruleId === 'WAF_TEST_001')).toHaveLength(2);
  });
  it('names the highest-scoring rule as primary', () => {
    const v = inspectRequest(req('POST', '/api/x', form('a=PROBE_NOTICE&b=PROBE_XSS&c=PROBE_WARN')), waf);
    expect(v.primaryRule).toBe('WAF_TEST_002');
    expect(v.score).toBe(2 + 5 + 3);
  });
  it('is clean with score 0 when nothing matches', () => {
    expect(inspectRequest(req('GET', '/api/scholarships?state=NY'), waf)).toMatchObject({
      score: 0,
      reason: 'clean',
      action: 'allow',
      wouldBlock: false,
      primaryRule: null,
    });
  });
});

describe('modes', () => {
  const waf = probeWaf();
  it('monitors GET, HEAD and OPTIONS by default: would block, passes', () => {
    for (const m of ['GET', 'HEAD', 'OPTIONS']) {
      const v = inspectRequest(req(m, '/api/search?state=PROBE_SQLI'), waf);
      expect(v).toMatchObject({ mode: 'monitor', wouldBlock: true, action: 'monitor', reason: 'over_threshold' });
    }
  });
  it('blocks POST, PUT, PATCH and DELETE with a critical rule', () => {
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(inspectRequest(req(m, '/api/x?state=PROBE_SQLI'), waf)).toMatchObject({
        mode: 'block',
        action: 'block',
        primaryRule: 'WAF_TEST_001',
      });
    }
  });
  it('in block mode only known-bad (critical) rules block; the rest is logged as monitor', () => {
    const v = inspectRequest(req('POST', '/api/x', form('a=PROBE_WARN&b=PROBE_NOTICE')), waf);
    expect(v).toMatchObject({ score: 5, wouldBlock: true, action: 'monitor' });
  });
  it('block_min_severity: warning lets warning-level sums block', () => {
    const w = probeWaf(rulesWith({ routes: [{ match: '/api/strict/**', block_min_severity: 'warning' }] }));
    expect(inspectRequest(req('POST', '/api/strict/x', form('a=PROBE_WARN&b=PROBE_NOTICE')), w).action).toBe('block');
    expect(inspectRequest(req('POST', '/api/other', form('a=PROBE_WARN&b=PROBE_NOTICE')), w).action).toBe('monitor');
  });
  it('mode off reports allow with the verdict still computed (replay shows would_block)', () => {
    const w = probeWaf(rulesWith({ routes: [{ match: '/api/webhooks/**', modes: { '*': 'off' } }] }));
    expect(inspectRequest(req('POST', '/api/webhooks/psp?x=PROBE_SQLI'), w)).toMatchObject({
      mode: 'off',
      action: 'allow',
      wouldBlock: true,
      reason: 'mode_off',
    });
  });
  it('route patterns are matched on the resolved path, so dot segments cannot reach another route mode', () => {
    const w = probeWaf(rulesWith({ routes: [{ match: '/api/webhooks/**', modes: { '*': 'off' } }] }));
    expect(inspectRequest(req('POST', '/api/webhooks/../auth/login?x=PROBE_SQLI'), w).action).toBe('block');
    expect(inspectRequest(req('POST', '/api/%77ebhooks/psp?x=PROBE_SQLI'), w).action).toBe('allow');
  });
  it('a forced monitor mode (waf_monitor_only grant) never blocks', () => {
    expect(inspectRequest(req('POST', '/api/x?a=PROBE_SQLI'), waf, { mode: 'monitor' })).toMatchObject({
      action: 'monitor',
      wouldBlock: true,
    });
  });
});

describe('thresholds per content type', () => {
  const waf = probeWaf();
  it('one error-level finding is over the line in a form but not in a JSON body (JSON raised one notch)', () => {
    expect(inspectRequest(req('POST', '/api/x', form('a=PROBE_ERROR')), waf)).toMatchObject({
      threshold: 4,
      score: 4,
      wouldBlock: true,
      action: 'monitor',
    });
    expect(inspectRequest(req('POST', '/api/x', { json: { a: 'PROBE_ERROR' } }), waf)).toMatchObject({
      threshold: 5,
      score: 4,
      wouldBlock: false,
      action: 'allow',
      reason: 'below_threshold',
    });
  });
  it('one critical signature blocks in a form and in JSON', () => {
    expect(inspectRequest(req('POST', '/api/x', form('a=PROBE_SQLI')), waf)).toMatchObject({
      threshold: 4,
      action: 'block',
    });
    expect(inspectRequest(req('POST', '/api/x', { json: { a: 'PROBE_SQLI' } }), waf)).toMatchObject({
      threshold: 5,
      score: 5,
      action: 'block',
    });
  });
  it('two lesser JSON findings reach the threshold but only a critical one blocks', () => {
    expect(inspectRequest(req('POST', '/api/x', { json: { a: 'PROBE_WARN', b: 'PROBE_NOTICE' } }), waf)).toMatchObject({
      score: 5,
      wouldBlock: true,
      action: 'monitor',
    });
  });
  it('JSON with a second finding reaches its threshold', () => {
    expect(inspectRequest(req('POST', '/api/x', { json: { a: 'PROBE_SQLI', b: 'PROBE_NOTICE' } }), waf)).toMatchObject({
      score: 7,
      action: 'block',
    });
  });
  it('+json media types use the JSON threshold; thresholds are settings', () => {
    expect(
      inspectRequest(
        req('POST', '/api/x', { json: { a: 'PROBE_SQLI' }, headers: { 'content-type': 'application/vnd.api+json' } }),
        waf,
      ).threshold,
    ).toBe(5);
    const w = probeWaf(rulesWith({ thresholds: { inbound: 8, by_content_type: { 'application/json': 12 } } }));
    expect(inspectRequest(req('POST', '/api/x', form('a=PROBE_SQLI')), w)).toMatchObject({
      threshold: 8,
      wouldBlock: false,
    });
  });
});

describe('paranoia and rule overrides', () => {
  it('rules above the paranoia level are not evaluated', () => {
    expect(rulesOf(inspectRequest(req('POST', '/x', form('a=PROBE_PL2')), probeWaf()))).toEqual([]);
    expect(
      rulesOf(inspectRequest(req('POST', '/x', form('a=PROBE_PL2')), probeWaf(rulesWith({ paranoia: 2 })))),
    ).toEqual(['WAF_TEST_005']);
  });
  it('a disabled rule never matches; a severity override changes the score', () => {
    const w = probeWaf(
      rulesWith({
        rule_overrides: [
          { rule: 'WAF_TEST_001', disabled: true, reason: 'test' },
          { rule: 'WAF_TEST_002', severity: 'notice', reason: 'test' },
        ],
      }),
    );
    const v = inspectRequest(req('POST', '/x', form('a=PROBE_SQLI&b=PROBE_XSS')), w);
    expect(rulesOf(v)).toEqual(['WAF_TEST_002']);
    expect(v).toMatchObject({ score: 2, action: 'allow' });
  });
  it('an expired override is ignored', () => {
    const w = probeWaf(
      rulesWith({
        rule_overrides: [{ rule: 'WAF_TEST_001', disabled: true, reason: 'tuning', expires: '2020-01-01' }],
      }),
    );
    expect(rulesOf(inspectRequest(req('POST', '/x', form('a=PROBE_SQLI')), w))).toEqual(['WAF_TEST_001']);
    expect(w.warnings.join()).toMatch(/expired/);
  });
});

describe('exclusions', () => {
  const waf = probeWaf();
  it('login: the email loses SQL inspection only, the password every family; q on search loses SQL', () => {
    const json = { email: 'PROBE_SQLI@x.test', password: 'PROBE_SQLI PROBE_XSS' };
    const x = inspect(req('POST', '/api/auth/login', { json }), waf);
    expect(x.verdict.matches).toEqual([]);
    expect(x.excluded.map((m) => `${m.exclusion}:${m.target.name}:${m.ruleId}`)).toEqual([
      'json-credentials:$.email:WAF_TEST_001',
    ]);
    const s = inspect(req('GET', '/api/search?q=PROBE_SQLI+PROBE_XSS'), waf);
    expect(rulesOf(s.verdict)).toEqual(['WAF_TEST_002']);
    expect(s.excluded.map((m) => `${m.exclusion}:${m.target.name}`)).toEqual(['search-text-not-sql:q']);
  });
  it('an email that is not an email address blocks with WAF_FORMAT_EMAIL_001', () => {
    const v = inspectRequest(
      req('POST', '/api/auth/login', { json: { email: "' OR '1'='1' --", password: 'x' } }),
      waf,
    );
    expect(v).toMatchObject({ action: 'block', primaryRule: 'WAF_FORMAT_EMAIL_001' });
    expect(v.matches[0].excerpt).toBe('must be an email address');
  });
  it('applies to the named field on the named routes only: not nested, not elsewhere, not to cookies', () => {
    const sqli = (r: ReturnType<typeof req>) => rulesOf(inspectRequest(r, waf));
    expect(sqli(req('POST', '/api/auth/login', { json: { user: { password: 'PROBE_SQLI' } } }))).toEqual([
      'WAF_TEST_001',
    ]);
    expect(sqli(req('POST', '/api/me', { json: { password: 'PROBE_SQLI' } }))).toEqual(['WAF_TEST_001']);
    expect(sqli(req('POST', '/login', { ...form('password=PROBE_SQLI') }))).toEqual([]);
    expect(sqli(req('POST', '/api/x', form('password=PROBE_SQLI')))).toEqual(['WAF_TEST_001']);
    expect(sqli(req('GET', '/api/search?state=PROBE_SQLI'))).toEqual(['WAF_TEST_001']);
    expect(sqli(req('GET', '/api/scholarships?q=PROBE_SQLI'))).toEqual(['WAF_TEST_001']);
    expect(sqli(req('GET', '/api/search?Q=PROBE_SQLI'))).toEqual(['WAF_TEST_001']);
    expect(sqli(req('POST', '/api/search?q=PROBE_SQLI'))).toEqual(['WAF_TEST_001']);
    expect(
      sqli(req('POST', '/api/auth/login', { json: { password: 'x' }, headers: { cookie: 'password=PROBE_SQLI' } })),
    ).toEqual(['WAF_TEST_001']);
  });
  it('selects by route, method, JSON path wildcards, header and cookie; by rule id or family', () => {
    const w = probeWaf(
      rulesWith({
        exclusions: [
          {
            id: 'items',
            reason: 't',
            remove: ['WAF_TEST_001'],
            routes: ['/api/cart/**'],
            methods: ['POST'],
            fields: [{ json: '$.items[*].note', format: 'search' }],
          },
          { id: 'any-key', reason: 't', routes: ['/x'], fields: [{ json: '$.*.bio', format: 'secret' }] },
          {
            id: 'hdr',
            reason: 't',
            remove: ['sqli'],
            routes: ['/x'],
            fields: [
              { header: 'X-Search', format: 'search' },
              { cookie: 'prefs', format: 'search' },
            ],
          },
        ],
      }),
    );
    const rules = (r: ReturnType<typeof req>) => rulesOf(inspectRequest(r, w));
    expect(rules(req('POST', '/api/cart/add', { json: { items: [{ note: 'PROBE_SQLI' }] } }))).toEqual([]);
    expect(rules(req('PUT', '/api/cart/add', { json: { items: [{ note: 'PROBE_SQLI' }] } }))).toEqual(['WAF_TEST_001']);
    expect(rules(req('POST', '/api/other', { json: { items: [{ note: 'PROBE_SQLI' }] } }))).toEqual(['WAF_TEST_001']);
    // `$.items[*].note` names array elements: an object where the array belongs is not that field.
    expect(rules(req('POST', '/api/cart/add', { json: { items: { note: 'PROBE_SQLI' } } }))).toEqual(['WAF_TEST_001']);
    expect(rules(req('POST', '/x', { json: { a: { bio: 'PROBE_XSS PROBE_SQLI' } } }))).toEqual([]);
    expect(rules(req('POST', '/x', { json: { a: { b: { bio: 'PROBE_SQLI' } } } }))).toEqual(['WAF_TEST_001']);
    expect(rules(req('GET', '/x', { headers: { 'x-search': 'PROBE_SQLI', cookie: 'prefs=PROBE_SQLI' } }))).toEqual([]);
    expect(rules(req('GET', '/x', { headers: { cookie: 'other=PROBE_SQLI' } }))).toEqual(['WAF_TEST_001']);
    expect(rules(req('GET', '/y', { headers: { cookie: 'prefs=PROBE_SQLI' } }))).toEqual(['WAF_TEST_001']);
  });
  it('reason is excluded when every match was excluded', () => {
    expect(inspectRequest(req('POST', '/api/auth/login', { json: { email: 'PROBE_SQLI@x.test' } }), waf).reason).toBe(
      'excluded',
    );
  });
  it('an expired exclusion no longer applies', () => {
    const w = probeWaf(
      rulesWith({
        exclusions: [
          {
            id: 'old',
            reason: 't',
            routes: ['/x'],
            fields: [{ form: 'note', format: 'search' }],
            expires: '2021-06-30',
          },
        ],
      }),
    );
    expect(rulesOf(inspectRequest(req('POST', '/x', form('note=PROBE_SQLI')), w))).toEqual(['WAF_TEST_001']);
  });
});

describe('bodies and protocol rules', () => {
  const waf = probeWaf();
  it('JSON that does not parse is WAF_PROTO_006, inspected as raw text, never a crash', () => {
    const v = inspectRequest(
      req('POST', '/api/x', { body: '{"a": "PROBE_XSS", ', headers: { 'content-type': 'application/json' } }),
      waf,
    );
    expect(rulesOf(v)).toEqual(['WAF_PROTO_006', 'WAF_TEST_002']);
  });
  it('JSON deeper than json_max_depth is WAF_PROTO_008 and still inspected as text', () => {
    const deep = '['.repeat(40) + '"PROBE_SQLI"' + ']'.repeat(40);
    const v = inspectRequest(
      req('POST', '/api/x', { body: deep, headers: { 'content-type': 'application/json' } }),
      waf,
    );
    expect(rulesOf(v)).toEqual(['WAF_PROTO_008', 'WAF_TEST_001']);
    const ok = '['.repeat(20) + '"x"' + ']'.repeat(20);
    expect(
      rulesOf(
        inspectRequest(req('POST', '/api/x', { body: ok, headers: { 'content-type': 'application/json' } }), waf),
      ),
    ).toEqual([]);
  });
  it('more fields than max_fields is WAF_PROTO_009; a payload after the limit is still found', () => {
    const w = probeWaf(rulesWith({ body: { max_fields: 50 } }));
    const many = Array.from({ length: 100 }, (_, i) => `f${i}=v`).join('&') + '&late=PROBE_XSS';
    const v = inspectRequest(req('POST', '/api/x', form(many)), w);
    expect(rulesOf(v)).toEqual(['WAF_PROTO_009', 'WAF_TEST_002']);
    const json = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i === 59 ? 'PROBE_XSS' : 'v']));
    expect(rulesOf(inspectRequest(req('POST', '/api/x', { json }), w))).toEqual(['WAF_PROTO_009', 'WAF_TEST_002']);
  });
  it('method not allowed, content type not allowed, body on GET, missing host', () => {
    expect(rulesOf(inspectRequest(req('TRACE', '/api/x'), waf))).toEqual(['WAF_PROTO_001']);
    expect(rulesOf(inspectRequest(req('POST', '/healthz', form('a=1')), waf))).toEqual(['WAF_PROTO_001']);
    expect(
      rulesOf(
        inspectRequest(req('POST', '/api/x', { body: 'x', headers: { 'content-type': 'application/x-evil' } }), waf),
      ),
    ).toEqual(['WAF_PROTO_004']);
    expect(rulesOf(inspectRequest(req('POST', '/webhooks/stripe', form('a=1')), waf))).toEqual(['WAF_PROTO_004']);
    expect(rulesOf(inspectRequest(req('GET', '/api/x', { body: 'a=1' }), waf))).toEqual(['WAF_PROTO_005']);
    expect(rulesOf(inspectRequest({ method: 'GET', url: '/', headers: {}, body: null }, waf))).toEqual([
      'WAF_PROTO_002',
    ]);
    expect(
      rulesOf(inspectRequest({ method: 'GET', url: '/', headers: { host: '10.1.2.3' }, body: null }, waf)),
    ).toEqual(['WAF_PROTO_003']);
    expect(
      rulesOf(inspectRequest({ method: 'GET', url: '/', headers: { host: '127.0.0.1:8787' }, body: null }, waf)),
    ).toEqual([]);
  });
  it('a spoofed crawler is a scored signal (WAF_PROTO_013), under the threshold alone', () => {
    const v = inspectRequest(req('GET', '/scholarships'), waf, { spoofedCrawler: true });
    expect(rulesOf(v)).toEqual(['WAF_PROTO_013']);
    expect(v.score).toBe(3);
    expect(v.wouldBlock).toBe(false);
    expect(rulesOf(inspectRequest(req('GET', '/scholarships'), waf))).toEqual([]);
  });

  it('a second media type inside Content-Type parameters (WAF_PROTO_011), cookie v1 syntax (WAF_PROTO_012)', () => {
    const ct = (v: string) =>
      rulesOf(inspectRequest(req('POST', '/api/x', { body: 'a=1', headers: { 'content-type': v } }), waf));
    expect(ct('application/x-www-form-urlencoded;boundary="application/json"')).toEqual(['WAF_PROTO_011']);
    expect(ct('multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW')).toEqual(['WAF_PROTO_010']);
    expect(ct('application/json; charset=utf-8')).toEqual(['WAF_PROTO_006']);
    expect(rulesOf(inspectRequest(req('GET', '/', { headers: { cookie: '$Version=1; session="x' } }), waf))).toEqual([
      'WAF_PROTO_012',
    ]);
    expect(rulesOf(inspectRequest(req('GET', '/', { headers: { cookie: 'version=1; price=$5' } }), waf))).toEqual([]);
  });
  it('a prefix-inspected body is noted (WAF_PROTO_007)', () => {
    expect(rulesOf(inspectRequest(req('POST', '/api/x', form('a=1')), waf, { truncated: true }))).toEqual([
      'WAF_PROTO_007',
    ]);
  });
});

describe('shipped rules with the registered detectors', () => {
  it('compile, and every rule id is unique and well-formed', () => {
    const waf = probeWaf(shippedRules());
    for (const id of waf.rules.keys()) expect(id).toMatch(/^WAF_[A-Z0-9]+(?:_[A-Z0-9]+)*_\d{3}$/);
  });
});

describe('repeated header values', () => {
  const waf = probeWaf();
  it('reuse the detector results but report them on the current request', () => {
    const first = inspect(
      req('GET', '/api/x', { headers: { 'x-note': 'PROBE_XSS here', 'user-agent': 'Mozilla/5.0' } }),
      waf,
    );
    const again = inspect(
      req('GET', '/api/y', { headers: { 'x-note': 'PROBE_XSS here', 'user-agent': 'Mozilla/5.0' } }),
      waf,
    );
    const fresh = inspect(
      req('GET', '/api/y', { headers: { 'x-note': 'PROBE_XSS here', 'user-agent': 'Mozilla/5.0' } }),
      waf,
      { noCache: true },
    );
    for (const x of [first, again, fresh]) expect(rulesOf(x.verdict)).toEqual(['WAF_TEST_002']);
    const hit = again.verdict.matches[0];
    expect(again.extracted.targets).toContain(hit.target);
    expect(hit.excerpt).toBe(fresh.verdict.matches[0].excerpt);
  });
  it('a different value, or the same value in another header, is inspected afresh', () => {
    inspect(req('GET', '/api/x', { headers: { 'x-a': 'plain text' } }), waf);
    expect(rulesOf(inspectRequest(req('GET', '/api/x', { headers: { 'x-a': 'plain text PROBE_SQLI' } }), waf))).toEqual(
      ['WAF_TEST_001'],
    );
    expect(rulesOf(inspectRequest(req('GET', '/api/x', { headers: { 'x-b': 'plain text' } }), waf))).toEqual([]);
  });
});
