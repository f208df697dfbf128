import type { RoutePolicy, RuleMeta, Target } from './types.ts';
import type { BodyFinding, Extracted } from './targets/index.ts';

/**
 * Protocol enforcement: rules that need the route's policy (allowed methods and content types) or
 * the body parser's findings, so they live with the engine rather than among the detectors.
 */
export const PROTOCOL_RULES = [
  {
    id: 'WAF_PROTO_001',
    family: 'protocol',
    severity: 'critical',
    paranoia: 1,
    description: 'Method not allowed for this route',
  },
  {
    id: 'WAF_PROTO_002',
    family: 'protocol',
    severity: 'warning',
    paranoia: 1,
    description: 'Host header missing or empty',
  },
  {
    id: 'WAF_PROTO_003',
    family: 'protocol',
    severity: 'warning',
    paranoia: 1,
    description: 'Host header is not a valid host name (bare IP, bad characters)',
  },
  {
    id: 'WAF_PROTO_004',
    family: 'protocol',
    severity: 'critical',
    paranoia: 1,
    description: 'Content type not allowed for this route',
  },
  {
    id: 'WAF_PROTO_005',
    family: 'protocol',
    severity: 'critical',
    paranoia: 1,
    description: 'GET or HEAD request with a body',
  },
  {
    id: 'WAF_PROTO_006',
    family: 'protocol',
    severity: 'warning',
    paranoia: 1,
    description: 'Body claims JSON but does not parse',
  },
  {
    id: 'WAF_PROTO_007',
    family: 'protocol',
    severity: 'notice',
    paranoia: 1,
    description: 'Body larger than the inspection limit; only its prefix was inspected',
  },
  {
    id: 'WAF_PROTO_008',
    family: 'protocol',
    severity: 'error',
    paranoia: 1,
    description: 'JSON nested deeper than body.json_max_depth',
  },
  {
    id: 'WAF_PROTO_009',
    family: 'protocol',
    severity: 'error',
    paranoia: 1,
    description: 'More fields than body.max_fields',
  },
  {
    id: 'WAF_PROTO_010',
    family: 'protocol',
    severity: 'warning',
    paranoia: 1,
    description: 'Multipart body without a usable boundary',
  },
  {
    id: 'WAF_PROTO_011',
    family: 'protocol',
    severity: 'critical',
    paranoia: 1,
    description: 'Content-Type parameters carry another media type (body-parser confusion, CRS 921421)',
  },
  {
    id: 'WAF_PROTO_012',
    family: 'protocol',
    severity: 'critical',
    paranoia: 1,
    description: 'Cookie version 1 syntax ($Version) used to confuse cookie parsers (CRS 921250)',
  },
  {
    id: 'WAF_PROTO_013',
    family: 'protocol',
    severity: 'warning',
    paranoia: 1,
    description: "Crawler user agent from an address outside the operator's published ranges (spoofed crawler)",
  },
  {
    id: 'WAF_PROTO_014',
    family: 'protocol',
    severity: 'critical',
    paranoia: 1,
    description: 'URL override header from the client (X-Original-URL, X-Rewrite-URL): routes around path rules',
  },
  {
    id: 'WAF_PROTO_015',
    family: 'protocol',
    severity: 'critical',
    paranoia: 1,
    description:
      'Host override header (X-Forwarded-Host, X-Host, X-Forwarded-Server, X-HTTP-Host-Override, Forwarded host=) naming another host than Host',
  },
] as const satisfies readonly RuleMeta[];

const FINDING_RULE: Record<BodyFinding, string> = {
  json_malformed: 'WAF_PROTO_006',
  json_too_deep: 'WAF_PROTO_008',
  too_many_fields: 'WAF_PROTO_009',
  multipart_malformed: 'WAF_PROTO_010',
};

/** RFC 9110 §7.2 host: reg-name or IP literal, optional port. A bare IPv4/IPv6 literal is a scanner tell (CRS 920350). */
function hostProblem(host: string): boolean {
  if (host.length > 255) return true;
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host)) return true;
  const name = host.startsWith('[') ? host : host.replace(/:\d+$/, '');
  return name.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(name);
}

/** Loopback hosts are how local runs, health checks and tests reach the gateway. */
const LOOPBACK_HOST = /^(127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/** Media-type prefixes a body parser keys on; inside parameters they are a smuggled second type. */
const PARSER_TYPES = ['application/', 'text/', 'multipart/', 'message/'];

/** True when the parameters of a Content-Type (after the first `;`) name another media type. */
function mediaTypeInParameters(contentType: string): boolean {
  const semi = contentType.indexOf(';');
  if (semi < 0)
    return contentType.indexOf(',') >= 0 && PARSER_TYPES.some((t) => contentType.toLowerCase().indexOf(t, 1) > 0);
  const params = contentType.slice(semi).toLowerCase();
  return PARSER_TYPES.some((t) => params.includes(t));
}

/** Headers some frameworks read as the request path instead of the request line; no client needs them. */
const URL_OVERRIDE = ['x-original-url', 'x-rewrite-url', 'x-override-url'];
/** Headers some frameworks read as the request's host (password-reset links, absolute redirects, cache keys). */
const HOST_OVERRIDE = ['x-forwarded-host', 'x-host', 'x-forwarded-server', 'x-http-host-override'];

/** Host part of a host[:port] (or `[v6]:port`) header value, lower-case, no port, no trailing dot. */
function bareHost(v: string): string {
  const t = v.trim().toLowerCase();
  if (t.startsWith('[')) return t.slice(0, t.indexOf(']') + 1);
  return t.replace(/:[^:]*$/, '').replace(/\.$/, '');
}

/**
 * Host header injection: a client-sent host override that differs from `Host` (the gateway sets
 * X-Forwarded-Host itself when proxying; a proxy in front that forwards the same host is fine). A
 * comma list is judged entry by entry; `Forwarded` by its `host=` parameters.
 */
function hostOverride(headers: ReadonlyMap<string, string>, host: string | null): { name: string; raw: string } | null {
  const own = host === null ? '' : bareHost(host);
  for (const name of HOST_OVERRIDE) {
    const v = headers.get(name);
    if (v === undefined) continue;
    for (const part of v.split(','))
      if (bareHost(part) !== own || /[@/\\\s]/.test(part.trim())) return { name, raw: v };
  }
  const fwd = headers.get('forwarded');
  if (fwd !== undefined) {
    for (const pair of fwd.split(/[;,]/)) {
      const eq = pair.indexOf('=');
      if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== 'host') continue;
      if (bareHost(pair.slice(eq + 1).replace(/"/g, '')) !== own) return { name: 'forwarded', raw: fwd };
    }
  }
  return null;
}

const requestTarget = (name: string, raw: string): Target => ({ kind: 'header', name, raw, value: raw });

export interface ProtocolFacts {
  /** True when the body was longer than the inspected prefix. */
  truncated: boolean;
  /** The access stage saw a crawler user agent from an unverified address: a signal, not a verdict. */
  spoofedCrawler?: boolean;
}

/** The protocol matches of one request, as ordinary Matches (excerpt = the offending value, redacted later). */
export function protocolMatches(x: Extracted, route: RoutePolicy, facts: ProtocolFacts): ProtocolMatch[] {
  const out: ProtocolMatch[] = [];
  const { method, host } = x.info;
  if (!route.allowedMethods.has(method)) add(out, 'WAF_PROTO_001', 'method', method.slice(0, 20));
  if (host === null || host.trim() === '') add(out, 'WAF_PROTO_002', 'host', '');
  else if (hostProblem(host) && !LOOPBACK_HOST.test(host)) add(out, 'WAF_PROTO_003', 'host', host);
  const hasBody = x.bodyLength > 0;
  if (hasBody && (method === 'GET' || method === 'HEAD')) add(out, 'WAF_PROTO_005', 'body', '');
  if (
    hasBody &&
    x.mediaType &&
    !route.allowedContentTypes.has(x.mediaType) &&
    !(x.mediaType.endsWith('+json') && route.allowedContentTypes.has('application/json'))
  ) {
    add(out, 'WAF_PROTO_004', 'content-type', x.mediaType);
  }
  if (x.info.contentType && mediaTypeInParameters(x.info.contentType))
    add(out, 'WAF_PROTO_011', 'content-type', x.mediaType ?? '');
  const cookie = x.info.headers.get('cookie');
  if (cookie && /(^|[;,]\s*)\$version\s*=/i.test(cookie)) add(out, 'WAF_PROTO_012', 'cookie', '$Version');
  for (const name of URL_OVERRIDE) {
    const v = x.info.headers.get(name);
    if (v !== undefined) add(out, 'WAF_PROTO_014', name, v);
  }
  const over = hostOverride(x.info.headers, host);
  if (over) add(out, 'WAF_PROTO_015', over.name, over.raw);
  if (facts.truncated) add(out, 'WAF_PROTO_007', 'body', '');
  if (facts.spoofedCrawler) add(out, 'WAF_PROTO_013', 'user-agent', '');
  for (const f of x.findings) add(out, FINDING_RULE[f], 'body', '');
  return out;
}

type ProtocolMatch = { ruleId: string; target: Target; excerpt: string };

function add(out: ProtocolMatch[], ruleId: string, name: string, raw: string): void {
  out.push({ ruleId, target: requestTarget(name, raw), excerpt: raw.slice(0, 40) });
}
