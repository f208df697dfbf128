import type ipaddr from 'ipaddr.js';
import type { AccessRules } from '../config/schema/access.ts';
import type { CrawlerRangesFile } from '../config/schema/crawler-ranges.ts';
import { compileRanges, type IpRanges } from './ip-ranges.ts';

/** A request whose User-Agent claims a crawler of the file; `verified` says whether it is one. */
export interface CrawlerClaim {
  operator: string;
  verified: boolean;
  /** How it was verified: by the operator's published ranges or by Cloudflare's bot management. */
  via: 'published_ranges' | 'cloudflare' | null;
}

interface CompiledOperator {
  name: string;
  tokens: string[];
  ranges: IpRanges;
}

/** Only this much of a User-Agent is searched: real crawler tokens sit near the start. */
const UA_SCAN_CHARS = 512;

/**
 * Crawler verification compiled once from access.yaml (operators, their UA tokens) and
 * crawlers.json (their published ranges). A claim is verified only by the address or by Cloudflare;
 * the User-Agent alone never is.
 */
export function compileCrawlers(rules: AccessRules['crawlers'], data: CrawlerRangesFile) {
  const operators: CompiledOperator[] = rules.operators.map((o) => ({
    name: o.name,
    tokens: o.user_agent_tokens.map((t) => t.toLowerCase()),
    ranges: compileRanges([...(data.operators[o.name]?.cidrs ?? []), ...o.cidrs]),
  }));
  return function checkCrawler(
    userAgent: string | undefined,
    addr: ipaddr.IPv4 | ipaddr.IPv6 | null,
    cfVerifiedBot: boolean,
  ): CrawlerClaim | null {
    if (!userAgent || operators.length === 0) return null;
    const ua = userAgent.slice(0, UA_SCAN_CHARS).toLowerCase();
    const op = operators.find((o) => o.tokens.some((t) => ua.includes(t)));
    if (!op) return null;
    if (op.ranges.has(addr)) return { operator: op.name, verified: true, via: 'published_ranges' };
    if (rules.trust_cloudflare_verified_bot && cfVerifiedBot)
      return { operator: op.name, verified: true, via: 'cloudflare' };
    return { operator: op.name, verified: false, via: null };
  };
}
