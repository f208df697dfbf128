import type { Context } from 'hono';
import ipaddr from 'ipaddr.js';
import type { AppDeps } from '../deps.ts';
import { pageSession } from '../auth/page-session.ts';
import { verifyAccessToken } from '../auth/tokens.ts';
import { tokenConfig } from '../auth/session.ts';
import { bearerMatches } from './bearer.ts';

/** Parses OPS_STATUS_ALLOWLIST once: IPs and CIDRs, comma-separated. */
export function compileAllowlist(spec: string): (ip: string | undefined) => boolean {
  const ranges = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) =>
      s.includes('/')
        ? ipaddr.parseCIDR(s)
        : ([ipaddr.parse(s), ipaddr.parse(s).kind() === 'ipv4' ? 32 : 128] as const),
    );
  return (ip) => {
    if (!ip || !ipaddr.isValid(ip)) return false;
    const addr = ipaddr.process(ip);
    return ranges.some(([net, bits]) => addr.kind() === net.kind() && addr.match(net as never, bits));
  };
}

/**
 * Who may read the ops numbers: an admin (access token in the Authorization header or the
 * cookie), a machine holding METRICS_TOKEN (`npm run gate`, monitors), or, where `qa` is set, a
 * client address in OPS_STATUS_ALLOWLIST (the gateway sets X-Forwarded-For on signed requests).
 */
export async function opsViewer(
  c: Context,
  deps: AppDeps,
  opts: { page: boolean; qa?: (ip: string | undefined) => boolean },
): Promise<'admin' | 'machine' | 'qa' | null> {
  const auth = c.req.header('authorization');
  if (deps.env.METRICS_TOKEN && auth && bearerMatches(auth, deps.env.METRICS_TOKEN)) return 'machine';
  if (opts.page) {
    const claims = await pageSession(c, deps);
    if (claims?.role === 'admin') return 'admin';
  } else {
    const bearer = /^Bearer (.+)$/i.exec(auth ?? '')?.[1];
    const claims = bearer ? await verifyAccessToken(tokenConfig(deps), bearer, deps.now()) : null;
    if (claims?.role === 'admin') return 'admin';
    if (!bearer) {
      const page = await pageSession(c, deps);
      if (page?.role === 'admin') return 'admin';
    }
  }
  if (opts.qa?.(c.req.header('x-forwarded-for')?.split(',')[0]?.trim())) return 'qa';
  return null;
}
