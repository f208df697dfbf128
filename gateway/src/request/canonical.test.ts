import { describe, expect, it } from 'vitest';
import { canonicalTarget, rawTarget, type RefusalReason } from './canonical.ts';

/** [raw target, canonical target | refusal reason] */
const ACCEPTED: [string, string][] = [
  ['/', '/'],
  ['/api/auth/login', '/api/auth/login'],
  ['/api/auth/%6cogin', '/api/auth/login'],
  ['/api/auth/%6Cogin?x=%2f', '/api/auth/login?x=%2F'],
  ['/api/scholarships/', '/api/scholarships/'],
  ['/a/./b', '/a/b'],
  ['/a/b/..', '/a/'],
  ['/api/webhooks/../auth/login', '/api/auth/login'],
  ['/a b/ü', '/a%20b/%C3%BC'],
  ['/a%20b', '/a%20b'],
  ['/%41%42', '/AB'],
  ['/a%25b', '/a%25b'],
  ["/a:b@c!$&'()*+,;=", "/a:b@c!$&'()*+,;="],
  ['/search?q=a b&x=ü', '/search?q=a%20b&x=%C3%BC'],
  ['/p?', '/p'],
  ['/p#frag', '/p'],
];

const REFUSED: [string, RefusalReason][] = [
  ['//evil.test/x', 'empty_segment'],
  ['///evil.test', 'empty_segment'],
  ['//user:pass@evil.test/x', 'empty_segment'],
  ['/api//me', 'empty_segment'],
  ['/\\evil.test', 'backslash'],
  ['/api\\auth\\login', 'backslash'],
  ['/api%2fauth', 'encoded_separator'],
  ['/api%2Fauth', 'encoded_separator'],
  ['/api%5cauth', 'encoded_separator'],
  ['/api%00', 'encoded_separator'],
  ['/a/%2e%2e/b', 'encoded_dot_segment'],
  ['/a/.%2e/b', 'encoded_dot_segment'],
  ['/a/%2e/b', 'encoded_dot_segment'],
  ['/..', 'above_root'],
  ['/a/../..', 'above_root'],
  ['/a%', 'malformed_escape'],
  ['/a%zz', 'malformed_escape'],
  ['/a%c0%af', 'malformed_escape'],
  ['/a%ff', 'malformed_escape'],
  ['/a%0a', 'control_character'],
  ['/a\tb', 'control_character'],
  ['/a?x=%00', 'control_character'],
  ['/a?x=%g1', 'malformed_escape'],
  ['evil.test/x', 'not_origin_form'],
];

describe('canonical request target', () => {
  it.each(ACCEPTED)('%s -> %s', (raw, expected) => {
    const r = canonicalTarget(raw);
    expect(r).toMatchObject({ ok: true, request: { target: expected } });
  });

  it.each(REFUSED)('refuses %s (%s)', (raw, reason) => {
    expect(canonicalTarget(raw)).toEqual({ ok: false, reason });
  });

  it('is idempotent: the canonical form of a canonical target is itself', () => {
    for (const [raw] of ACCEPTED) {
      const once = canonicalTarget(raw);
      if (!once.ok) throw new Error(raw);
      expect(canonicalTarget(once.request.target)).toEqual(once);
    }
  });

  it('reads the target from the URL string without resolving it', () => {
    expect(rawTarget('http://gw.test//evil.test/x')).toBe('//evil.test/x');
    expect(rawTarget('http://gw.test/api\\auth')).toBe('/api\\auth');
    expect(rawTarget('http://gw.test?x=1')).toBe('/?x=1');
    expect(rawTarget('http://gw.test')).toBe('/');
  });
});
