import type { AccessRules } from '../config/schema/access.ts';
import { compilePaths } from './path-pattern.ts';

/** Decodes percent-escapes where possible; a broken escape leaves the text as it is. */
function tryDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The form a path is judged in: percent-decoded, repeated slashes collapsed, lower-case. Deciding on
 * this form fails closed: `/API//me` or `/api/%6de` cannot slip past `/api/**`, and an encoded
 * `..%2f` cannot turn a protected path into an exempt one (it only adds segments).
 */
export function canonicalPath(path: string): string {
  return tryDecode(path)
    .replace(/\/{2,}/g, '/')
    .toLowerCase();
}

/** `(method, path) => true` when the request needs a valid access token. */
export function compileProtection(cfg: AccessRules['jwt']) {
  const isProtectedPath = compilePaths(cfg.protected.map((p) => p.toLowerCase()));
  const exemptions = cfg.exempt.map((e) => ({
    matches: compilePaths((Array.isArray(e.match) ? e.match : [e.match]).map((p) => p.toLowerCase())),
    methods: e.methods ? new Set<string>(e.methods) : undefined,
  }));
  return function needsToken(method: string, path: string): boolean {
    const canon = canonicalPath(path);
    if (!isProtectedPath(canon)) return false;
    return !exemptions.some((e) => (!e.methods || e.methods.has(method)) && e.matches(canon));
  };
}
