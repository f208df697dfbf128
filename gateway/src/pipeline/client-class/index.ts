import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../env.ts';
import type { AccessRules } from '../../config/schema/access.ts';
import type { CrawlerRangesFile } from '../../config/schema/crawler-ranges.ts';
import { compileAllowlist } from '../../access/allowlist.ts';
import { compileCrawlers } from '../../access/crawlers.ts';
import { bundledCrawlerRanges } from '../../access/bundled-crawlers.ts';
import { clientAddressOf } from '../client-ip/index.ts';
import { applyDebugHeaders } from '../../access/debug-headers.ts';

/**
 * Classifies the client: an allowlist entry (QA, monitor) by CF-Connecting-IP, else a verified
 * crawler (User-Agent claim + published ranges or Cloudflare verification), else anonymous. Sets
 * `clientClass`, `grants` and `spoofedCrawler` for later stages; no grant skips inspection or
 * logging. On the way out it shows the WAF's decision to clients granted `debug_headers` and strips
 * those headers for everyone else.
 *
 * @example app.use(clientClass(rules['access.yaml']))
 */
export function clientClass(
  rules: AccessRules,
  crawlerRanges: CrawlerRangesFile = bundledCrawlerRanges(),
): MiddlewareHandler<GatewayEnv> {
  const matchAllowlist = compileAllowlist(rules.allowlist);
  const checkCrawler = compileCrawlers(rules.crawlers, crawlerRanges);
  const crawlerGrants: ReadonlySet<string> = new Set(rules.crawlers.grants);
  return async function clientClass(c, next) {
    const addr = clientAddressOf(c);
    const listed = matchAllowlist(addr, Date.now());
    const cf = c.req.raw.cf as { botManagement?: { verifiedBot?: boolean } } | undefined;
    const crawler = checkCrawler(c.req.header('user-agent'), addr, cf?.botManagement?.verifiedBot === true);
    c.set('spoofedCrawler', crawler !== null && !crawler.verified);
    if (listed) {
      c.set('clientClass', listed.class);
      c.set('grants', listed.grants);
    } else if (crawler?.verified) {
      c.set('clientClass', 'verified_crawler');
      c.set('grants', crawlerGrants);
    }
    await next();
    const show = c.get('grants').has('debug_headers');
    applyDebugHeaders(c.res.headers, show, c.get('wafVerdict'), c.get('clientClass'));
    if (!show) applyDebugHeaders(c.get('responseHeaders'), false, undefined, 'anonymous');
  };
}
