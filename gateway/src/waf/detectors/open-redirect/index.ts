import type { Detector, RuleMeta, Target } from '../../types.ts';
import { matchAt } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_REDIRECT_001',
    family: 'protocol',
    severity: 'critical',
    paranoia: 1,
    description:
      'Open redirect: a next/return_to/redirect style parameter names another host (absolute, protocol-relative, backslash or scheme URL)',
  },
] as const satisfies readonly RuleMeta[];

/** Parameter names that carry a post-login or post-action destination (matched on the last path step, lower-case). */
const REDIRECT_PARAMS = new Set([
  'next',
  'return',
  'return_to',
  'returnto',
  'return_url',
  'returnurl',
  'redirect',
  'redirect_to',
  'redirect_uri',
  'redirect_url',
  'redirecturl',
  'continue',
  'dest',
  'destination',
  'goto',
  'go',
  'back',
  'back_url',
  'success_url',
  'callback_url',
  'forward',
]);

/** `$.a.return_to` → `return_to`; `next` → `next`. */
function lastStep(t: Target): string {
  const n = t.name.toLowerCase();
  const cut = Math.max(n.lastIndexOf('.'), n.lastIndexOf(']'), n.lastIndexOf('['));
  return cut >= 0 && t.kind === 'json' ? n.slice(cut + 1) : n;
}

/** Host of an authority (`user@host:port`): the part a browser connects to, lower-case. */
function authorityHost(rest: string): string {
  let end = rest.length;
  for (const c of ['/', '?', '#', '\\']) {
    const i = rest.indexOf(c);
    if (i >= 0 && i < end) end = i;
  }
  const auth = rest.slice(0, end);
  const at = auth.lastIndexOf('@');
  return auth
    .slice(at + 1)
    .replace(/:\d*$/, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/**
 * Where a browser would go for a redirect to `v`, relative to the site: `null` for a same-site path
 * (`/scholarships`, `?q=x`, `me`), else the foreign host (`''` when the target is a non-HTTP scheme).
 * Browsers drop tab/CR/LF and treat `\` as `/`, so `/\evil`, `\\evil` and `/<TAB>/evil` leave the site.
 */
function redirectHost(value: string): string | null {
  const v = value
    .replace(/[\t\r\n]/g, '')
    .trim()
    .replace(/\\/g, '/');
  if (v.startsWith('//')) return authorityHost(v.replace(/^\/+/, ''));
  const colon = v.indexOf(':');
  const slash = v.indexOf('/');
  if (colon > 0 && (slash < 0 || colon < slash) && /^[a-z][a-z0-9+.-]*$/i.test(v.slice(0, colon))) {
    const scheme = v.slice(0, colon).toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') return '';
    return authorityHost(v.slice(colon + 1).replace(/^\/+/, ''));
  }
  return null;
}

/**
 * A destination parameter whose value leaves the site: compared with the request's own Host
 * (port ignored), so `https://gatehouse.example/me` on gatehouse.example is fine and
 * `https://gatehouse.example.evil.example/`, `https://gatehouse.example@evil.example`,
 * `//evil.example`, `/\evil.example`, `https:evil.example` and `javascript:` are not.
 */
export const openRedirect = {
  name: 'open-redirect',
  rules: RULES,
  targets: ['query', 'form', 'json', 'multipart'],
  detect(target, _views, ctx) {
    // In JSON only a top-level destination is the request's own (a login's `return_to`); nested ones
    // (a Stripe event's `data.object.return_url`) describe someone else's redirect.
    if (target.kind === 'json' && (target.segments?.length ?? 0) > 1) return [];
    if (!REDIRECT_PARAMS.has(lastStep(target))) return [];
    const host = redirectHost(target.value);
    if (host === null) return [];
    const own = (ctx.request.host ?? '').replace(/:\d*$/, '').toLowerCase();
    if (host !== '' && host === own) return [];
    return [matchAt('WAF_REDIRECT_001', target, 0)];
  },
} satisfies Detector;
