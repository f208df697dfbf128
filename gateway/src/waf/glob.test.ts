import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  jsonPathSegments,
  matchJsonPath,
  matchSegments,
  renderJsonPath,
  requestPathSegments,
  routeSegments,
} from './glob.ts';

describe('segment globs', () => {
  const route = (p: string, path: string) => matchSegments(routeSegments(p), routeSegments(path));
  it.each([
    ['/api/auth/login', '/api/auth/login', true],
    ['/api/auth/login', '/api/auth/login/', true],
    ['/api/auth/login', '/api/auth', false],
    ['/api/*', '/api/x', true],
    ['/api/*', '/api/x/y', false],
    ['/api/**', '/api', true],
    ['/api/**', '/api/x/y', true],
    ['**', '/', true],
    ['/a/**/z', '/a/b/c/z', true],
    ['/a/**/z', '/a/z', true],
    ['/a/**/z', '/a/b/c', false],
  ])('route %s vs %s → %s', (p, path, ok) => expect(route(p, path)).toBe(ok));

  it.each([
    ['$.password', '$.password', true],
    ['$.password', '$.user.password', false],
    ['$.**.password', '$.user.password', true],
    ['$.**.password', '$.password', true],
    ['$.items[*].q', '$.items[3].q', true],
    ['$.items[*].q', '$.items.x.q', false],
    ['$.items.*.q', '$.items[3].q', true],
    ["$['a.b']", "$['a.b']", true],
  ])('json %s vs %s → %s', (p, path, ok) =>
    expect(matchJsonPath(jsonPathSegments(p)!, jsonPathSegments(path)!)).toBe(ok),
  );

  it('rejects malformed JSON paths', () => {
    for (const p of ['password', '$.', '$[x]', "$['a"]) expect(jsonPathSegments(p)).toBeNull();
  });
  it('renders paths the way events show them', () => {
    expect(renderJsonPath(['profile', 'essay'])).toBe('$.profile.essay');
    expect(renderJsonPath(['items', '[3]', 'q'])).toBe('$.items[3].q');
    expect(renderJsonPath(["it's"])).toBe("$['it\\'s']");
  });
  it('resolves request paths like the backend (decode once, dot segments)', () => {
    expect(requestPathSegments('/api/x/../y/./%7A//', decodeURIComponent)).toEqual(['api', 'y', 'z']);
  });
  it('agrees with a plain recursive matcher on every pattern shape (fast paths and the dynamic program)', () => {
    const reference = (p: readonly string[], s: readonly string[], index: boolean): boolean => {
      if (p.length === 0) return s.length === 0;
      if (p[0] === '**') return reference(p.slice(1), s, index) || (s.length > 0 && reference(p, s.slice(1), index));
      if (s.length === 0) return false;
      const ok = p[0] === '*' || p[0] === s[0] || (index && p[0] === '[*]' && s[0].startsWith('['));
      return ok && reference(p.slice(1), s.slice(1), index);
    };
    const pattern = fc.array(fc.constantFrom('a', 'b', '*', '**', '[*]'), { maxLength: 5 });
    const input = fc.array(fc.constantFrom('a', 'b', '[1]'), { maxLength: 6 });
    fc.assert(
      fc.property(pattern, input, (p, s) => {
        expect(matchSegments(p, s)).toBe(reference(p, s, false));
        expect(matchJsonPath(p, s)).toBe(reference(p, s, true));
      }),
      { numRuns: 2000 },
    );
  });
  it('is linear on hostile patterns and paths', () => {
    const p = Array.from({ length: 50 }, () => '**').concat('z');
    const path = Array.from({ length: 5000 }, () => 'a');
    expect(matchSegments(p, path)).toBe(false);
  });
});
