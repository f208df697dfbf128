/**
 * Path patterns of access.yaml: exact (`/api/auth/login`), `*` for one segment
 * (`/api/scholarships/*`), `**` for zero or more segments (`/api/**` matches `/api` and `/api/a/b`).
 * Compiled once into segment lists; matching is a linear walk, no regular expressions.
 */
export type PathMatcher = (path: string) => boolean;

function matchSegments(pattern: readonly string[], path: readonly string[], pi = 0, si = 0): boolean {
  for (; pi < pattern.length; pi++, si++) {
    const p = pattern[pi];
    if (p === '**') {
      // `**` is last in every pattern we ship; a middle `**` tries each split (patterns are short).
      if (pi === pattern.length - 1) return true;
      for (let k = si; k <= path.length; k++) if (matchSegments(pattern, path, pi + 1, k)) return true;
      return false;
    }
    if (si >= path.length) return false;
    if (p !== '*' && p !== path[si]) return false;
  }
  return si === path.length;
}

const split = (p: string) => p.split('/').slice(1);

/** One matcher for a list of patterns (any match wins). Trailing slashes are not significant. */
export function compilePaths(patterns: readonly string[]): PathMatcher {
  const compiled = patterns.map((p) => split(p === '/' ? '/' : p.replace(/\/+$/, '')));
  return function matchPath(path: string): boolean {
    const segs = split(path === '/' ? '/' : path.replace(/\/+$/, '') || '/');
    return compiled.some((p) => matchSegments(p, segs));
  };
}
