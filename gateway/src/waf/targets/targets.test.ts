import { describe, expect, it } from 'vitest';
import { extractTargets, type WafRequest } from './index.ts';

const LIMITS = { jsonMaxDepth: 32, maxFields: 1000 };
const id = (s: string) => s;
const pick = (r: WafRequest, kinds?: string[]) =>
  extractTargets(r, LIMITS, id)
    .targets.filter((t) => !kinds || kinds.includes(t.kind))
    .map((t) => `${t.kind} ${t.name}=${t.raw}`);

/** Tests as data: a request in, the targets it must yield. */
const CASES: { name: string; req: WafRequest; kinds?: string[]; expect: string[] }[] = [
  {
    name: 'path, query names and values (form-decoded once)',
    req: { method: 'GET', url: '/api/search?q=%22low+income%22&state=NY&flag', headers: {}, body: null },
    expect: [
      'path path=/api/search',
      'query_name q=q',
      'query q="low income"',
      'query_name state=state',
      'query state=NY',
      'query_name flag=flag',
      'query flag=',
    ],
  },
  {
    name: 'headers (custom, UA, Referer), cookie names and values; credentials and quality lists skipped',
    req: {
      method: 'GET',
      url: 'https://x.test/',
      headers: {
        'User-Agent': 'curl/8',
        Referer: 'https://a.test/',
        'X-Custom': 'v',
        Accept: '*/*',
        Authorization: 'Bearer abc',
        Cookie: 'sid=abc; theme=dark',
      },
      body: null,
    },
    kinds: ['header', 'cookie', 'cookie_name'],
    expect: [
      'header user-agent=curl/8',
      'header referer=https://a.test/',
      'header x-custom=v',
      'cookie_name sid=sid',
      'cookie sid=abc',
      'cookie_name theme=theme',
      'cookie theme=dark',
    ],
  },
  {
    name: 'JSON walked with paths; keys are targets; numbers and booleans skipped',
    req: {
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ profile: { essay: 'hi' }, items: [1, { q: 'x' }], ok: true, 'odd.key': 'y' }),
    },
    kinds: ['json', 'json_key'],
    expect: [
      'json_key $.profile=profile',
      'json_key $.profile.essay=essay',
      'json $.profile.essay=hi',
      'json_key $.items=items',
      'json_key $.items[1].q=q',
      'json $.items[1].q=x',
      'json_key $.ok=ok',
      "json_key $['odd.key']=odd.key",
      "json $['odd.key']=y",
    ],
  },
  {
    name: 'urlencoded form',
    req: {
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a%40b.c&password=p%27%3B+x',
    },
    kinds: ['form', 'form_name', 'body'],
    expect: ['form_name email=email', 'form email=a@b.c', 'form_name password=password', "form password=p'; x"],
  },
  {
    name: 'a body without a content type is parsed as a form and inspected raw too',
    req: { method: 'POST', url: '/', headers: {}, body: 'a=1' },
    kinds: ['form', 'body'],
    expect: ['form a=1', 'body body=a=1'],
  },
  {
    name: 'multipart: field values, file names, part headers; binary file content skipped',
    req: {
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
      body: '--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nHello\r\n--XyZ\r\nContent-Disposition: form-data; name="cv"; filename="../../etc/passwd"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--XyZ--\r\n',
    },
    kinds: ['multipart', 'filename'],
    expect: ['multipart title=Hello', 'multipart cv:content-type=application/pdf', 'filename cv=../../etc/passwd'],
  },
  {
    name: 'XML/SOAP: prolog, text nodes, attributes',
    req: {
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/soap+xml' },
      body: '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a id="7"><b>text &x;</b><![CDATA[<raw>]]></a>',
    },
    kinds: ['xml'],
    expect: [
      'xml a@id=7',
      'xml b=text &x;',
      'xml b=<raw>',
      'xml !prolog=<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ],
  },
  {
    name: 'text/plain is one raw body target',
    req: { method: 'POST', url: '/', headers: { 'content-type': 'text/plain' }, body: 'hello' },
    kinds: ['body'],
    expect: ['body body=hello'],
  },
];

describe('target extraction', () => {
  for (const c of CASES) it(c.name, () => expect(pick(c.req, c.kinds)).toEqual(c.expect));

  it('normalizes each value with the given chain', () => {
    const x = extractTargets({ method: 'GET', url: '/?a=%253Cb%253E', headers: {}, body: null }, LIMITS, (s) =>
      s.toUpperCase(),
    );
    expect(x.targets.find((t) => t.kind === 'query')).toMatchObject({ raw: '%3Cb%3E', value: '%3CB%3E' });
  });
  it('reports malformed JSON, too-deep JSON and too many fields as findings', () => {
    const f = (body: string, ct = 'application/json', lim = LIMITS) =>
      extractTargets({ method: 'POST', url: '/', headers: { 'content-type': ct }, body }, lim, id).findings;
    expect(f('{"a":')).toEqual(['json_malformed']);
    expect(f('[[[[1]]]]', 'application/json', { jsonMaxDepth: 3, maxFields: 10 })).toEqual(['json_too_deep']);
    expect(f('a=1&b=2&c=3', 'application/x-www-form-urlencoded', { jsonMaxDepth: 3, maxFields: 2 })).toEqual([
      'too_many_fields',
    ]);
    expect(f('--x', 'multipart/form-data')).toEqual(['multipart_malformed']);
  });
  it('bytes are read as UTF-8 with replacement characters, never throwing', () => {
    const x = extractTargets(
      { method: 'POST', url: '/', headers: { 'content-type': 'text/plain' }, body: new Uint8Array([0xff, 0xfe, 0x41]) },
      LIMITS,
      id,
    );
    expect(x.targets.at(-1)!.raw).toBe('\ufffd\ufffdA');
  });
});
