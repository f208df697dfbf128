import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { CidrSchema } from './cidr.ts';

/**
 * Crawler operators' published address ranges: the shape Google and Bing publish
 * (googlebot.json, bingbot.json), and gateway/rules/crawlers.json, which `npm run crawlers:update`
 * writes from them and the gateway bundles. Both are checked here so a wrong answer from an operator
 * (an HTML error page, a renamed field, a range covering half the internet) never becomes trust.
 */

/** Broader than this is not a crawler's range but a mistake: /16 of IPv4, /32 of IPv6 (an ISP). */
const MIN_PREFIX = { ipv4: 16, ipv6: 32 } as const;

function publicRange(kind: 'ipv4' | 'ipv6') {
  return CidrSchema.superRefine((s, ctx) => {
    if (!ipaddr.isValidCIDR(s)) return;
    const [addr, len] = ipaddr.parseCIDR(s);
    if (addr.kind() !== kind)
      ctx.addIssue({ code: 'custom', message: `"${s}" is not an ${kind === 'ipv4' ? 'IPv4' : 'IPv6'} range` });
    else if (len < MIN_PREFIX[kind])
      ctx.addIssue({
        code: 'custom',
        message: `"${s}" is broader than /${MIN_PREFIX[kind]}; no crawler owns that much`,
      });
    else if (addr.range() !== 'unicast')
      ctx.addIssue({ code: 'custom', message: `"${s}" is not a public range (${addr.range()})` });
  });
}

/** One published file: `{ creationTime, prefixes: [{ ipv4Prefix } | { ipv6Prefix }] }`. */
export const PublishedRangesSchema = z.object({
  creationTime: z.string().min(1).optional(),
  prefixes: z
    .array(z.union([z.object({ ipv4Prefix: publicRange('ipv4') }), z.object({ ipv6Prefix: publicRange('ipv6') })]))
    .min(1, 'no prefixes: an empty list would un-verify every crawler'),
});
export type PublishedRanges = z.infer<typeof PublishedRangesSchema>;

/** Every range, as text, from a published file. */
export function publishedCidrs(p: PublishedRanges): string[] {
  return [...new Set(p.prefixes.map((x) => ('ipv4Prefix' in x ? x.ipv4Prefix : x.ipv6Prefix)))];
}

export const CrawlerRangesFileSchema = z
  .object({
    version: z.literal(1),
    operators: z.record(
      z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
      z
        .object({
          /** Where the ranges came from. */
          source: z.string().min(1),
          /** When crawlers:update fetched them (null: seeded by hand, never fetched). */
          fetched_at: z.iso.datetime({ offset: true }).nullable(),
          /** The operator's own creationTime, when it gave one. */
          published_at: z.string().nullable().default(null),
          cidrs: z.array(z.union([publicRange('ipv4'), publicRange('ipv6')])).min(1),
        })
        .strict(),
    ),
  })
  .strict();
export type CrawlerRangesFile = z.infer<typeof CrawlerRangesFileSchema>;

/** Validates a crawlers.json value; throws an Error naming each problem. */
export function parseCrawlerRanges(data: unknown, file = 'crawlers.json'): CrawlerRangesFile {
  const r = CrawlerRangesFileSchema.safeParse(data);
  if (r.success) return r.data;
  throw new Error(`Invalid ${file}:\n` + r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n'));
}
