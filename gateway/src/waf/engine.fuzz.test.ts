import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inspect } from './engine.ts';
import { compiledWaf } from '../config/waf.ts';
import { shippedRules } from '../../../test/support/gateway/waf.ts';
import { multipartBoundary } from './targets/multipart.ts';
import { extractTargets } from './targets/index.ts';

/**
 * The whole engine (shipped rules, registered detectors) on random and hostile input: it never
 * throws, its verdict is well-formed, and its work stays bounded (targets and inspected characters
 * grow at most linearly with the input, matches are capped).
 */
const waf = compiledWaf(shippedRules());
const CONTENT_TYPES = [
  'application/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=b',
  'text/xml',
  'application/soap+xml',
  'text/plain',
  '',
  'application/x-evil',
];
const HOSTILE = [
  "'",
  '"',
  '<',
  '>',
  '%',
  '%25',
  '%u0027',
  '\\u003c',
  '&#x3c;',
  '/*',
  '*/',
  '--',
  '\u0000',
  '\uff1c',
  '[',
  ']',
  '{',
  '}',
  '$ne',
  '__proto__',
  '../',
  '${',
  '{{',
  'SELECT',
  'UNION',
  '<script>',
  'javascript:',
  '\r\n',
  '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n',
  '<!DOCTYPE',
  '<![CDATA[',
  '=',
  '&',
  ';',
];

const hostileText = fc
  .array(
    fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 })),
    { maxLength: 200 },
  )
  .map((a) => a.join(''));
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND'),
  path: hostileText.map((s) => '/' + s.replace(/[?#]/g, '')),
  query: hostileText,
  contentType: fc.constantFrom(...CONTENT_TYPES),
  header: hostileText.map((s) => s.replace(/[\r\n\u0000]/g, ' ')),
  body: fc.oneof(hostileText, fc.uint8Array({ maxLength: 2048 }), fc.constant(null)),
});

function checkExtraction(r: {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
}) {
  const x = extractTargets(r, { jsonMaxDepth: waf.body.json_max_depth, maxFields: waf.body.max_fields }, waf.normalize);
  expect(x.targets.length).toBeLessThanOrEqual(2 * waf.body.max_fields + 64);
}

function checkEngine(r: {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
}) {
  const x = inspect(r, waf);
  const v = x.verdict;
  expect(['block', 'monitor', 'allow']).toContain(v.action);
  expect(Number.isFinite(v.score)).toBe(true);
  expect(v.wouldBlock).toBe(v.score >= v.threshold);
  expect(v.matches.length).toBeLessThanOrEqual(64);
  const inputSize = r.url.length + Object.values(r.headers).join('').length + (r.body === null ? 0 : r.body.length);
  const inspected = x.extracted.targets.reduce((n, t) => n + t.raw.length, 0);
  expect(inspected).toBeLessThanOrEqual(4 * inputSize + 64);
  expect(x.extracted.targets.length).toBeLessThanOrEqual(2 * waf.body.max_fields + 64);
  for (const t of x.extracted.targets) expect(t.value.length).toBeLessThanOrEqual(4 * t.raw.length + 16);
}

describe('engine fuzz', () => {
  // Work is bounded by the counts checkEngine asserts, not by time: 300 runs take ~2 s alone, more
  // than the default 5 s while the whole suite shares two cores.
  it('never throws on random and hostile requests; bounded work', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(request, (q) => {
        const headers: Record<string, string> = {
          host: 'gatehouse.test',
          'user-agent': q.header,
          'x-custom': q.header,
          cookie: `${q.header}=${q.header}`,
        };
        if (q.contentType) headers['content-type'] = q.contentType;
        checkEngine({ method: q.method, url: `${q.path}?${q.query}`, headers, body: q.body });
      }),
      { numRuns: 300 },
    );
  });

  // Request splitting and normalization (the engine's own code) at the maximum inspected size; the
  // detectors at the size of the largest benchmarked body (each detector's own tests cover its
  // patterns at full size).
  it.each([
    ['extraction and normalization', 1024 * 1024, true],
    ['whole engine', 64 * 1024, false],
  ] as const)(
    '%s: hostile inputs of %i bytes finish, every native pattern linear on them',
    (_name, max, extractOnly) => {
      const check = extractOnly ? checkExtraction : checkEngine;
      const fill = (unit: string) => unit.repeat(Math.floor(max / unit.length));
      const bodies: [string, string][] = [
        ['application/json', '['.repeat(max)],
        ['application/json', '{"a":' + '"\\"'.repeat(max / 4) + '"}'],
        ['application/json', JSON.stringify({ s: fill("' OR 1=1 -- ") })],
        ['application/x-www-form-urlencoded', fill('%25%')],
        ['application/x-www-form-urlencoded', fill('a=<')],
        ['multipart/form-data; boundary=b', fill('--b\r\n')],
        ['text/xml', fill('<a b="')],
        ['text/xml', '<!DOCTYPE x [' + fill('[')],
        ['text/plain', fill('/*\'"<')],
        ['text/plain', fill('&#x')],
        ['text/plain', fill('\\u00')],
      ];
      for (const [ct, body] of bodies)
        check({
          method: 'POST',
          url: '/api/x',
          headers: { host: 'gatehouse.test', 'content-type': ct },
          body: body.slice(0, max),
        });
      check({
        method: 'GET',
        url: '/' + fill('../').slice(0, 16384) + '?' + fill('a&').slice(0, 16384),
        headers: { host: 'x'.repeat(300), cookie: fill('a=b;').slice(0, 16384) },
        body: null,
      });
      expect(multipartBoundary('multipart/form-data' + ';  '.repeat(20000) + 'boundary=x')).toBe('x');
    },
    120_000,
  );
});
