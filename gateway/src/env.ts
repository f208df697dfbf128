/**
 * The Worker's bindings (wrangler.toml [vars] / secrets, or the workerd config `npm start` writes)
 * and every context variable a pipeline stage sets. Declared once here so stages stay typed.
 */
/** The part of Workers' AnalyticsEngineDataset the gateway uses (a narrow port: tests pass their own). */
interface AnalyticsDataset {
  writeDataPoint(point: { indexes?: string[]; blobs?: string[]; doubles?: number[] }): void;
}

interface Bindings {
  /** Where clean traffic goes, e.g. http://127.0.0.1:8788. */
  BACKEND_URL: string;
  /** HMAC secret shared with the backend; signs every forwarded request. */
  GATEWAY_SHARED_SECRET: string;
  /** Upstash REST endpoint and token; unset → in-memory limiter (local runs only). */
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  /** Redis key prefix of the rate limiter (default gh:rl); tests use one per run. */
  RATE_LIMIT_PREFIX?: string;
  /** Bearer token for GET /__gateway/metrics; unset → the endpoint answers 404. */
  GATEWAY_METRICS_TOKEN?: string;
  /** `production` (default: strict checks) or `development` (npm start, tests). */
  GATEWAY_ENV?: string;
  /** Where the client address comes from: cloudflare | proxy | header (dev) | none (dev). */
  CLIENT_IP_SOURCE?: string;
  /** The header carrying the client address for `proxy` and `header` sources. */
  CLIENT_IP_HEADER?: string;
  /** CIDRs of the reverse proxies whose `CLIENT_IP_HEADER` entries are hops, not clients. */
  TRUSTED_PROXY_CIDRS?: string;
  /** Workers Analytics Engine dataset (wrangler.toml); each request's decisions become one data point. */
  GATEWAY_ANALYTICS?: Pick<AnalyticsDataset, 'writeDataPoint'>;
}

import type { IPv4, IPv6 } from 'ipaddr.js';
import type { Verdict } from './waf/types.ts';
import type { CanonicalRequest } from './request/canonical.ts';
import type { GatewaySettings } from './config/bindings.ts';
import type { Decision } from './ratelimit/types.ts';
import type { PresentedCredential } from '../../shared/credential.ts';

/** How the gateway sees the client; set by the client-class stage. */
export type ClientClass = 'anonymous' | 'user' | 'qa' | 'monitor' | 'verified_crawler';

interface Variables {
  requestId: string;
  /** The validated bindings (set by the settings stage, right after the request id). */
  settings: GatewaySettings;
  /**
   * The request target in its one canonical form (set by the canonical stage, first after the
   * request id). Every later stage decides on it and the proxy forwards it verbatim.
   */
  request: CanonicalRequest;
  /**
   * The request's header fields as read once (canonical stage `headerListOf`): the WAF inspects and the
   * proxy forwards the same list, and workerd's Headers iterator is walked once per request, not twice.
   */
  headerList: [string, string][] | undefined;
  /** The waf.yaml route pattern the canonical path matched (`default` when none): later stages scope by it. */
  route: string;
  /** The canonical client address from the trusted source (settings.clientIp); 'unknown' only in development. */
  clientIp: string;
  /**
   * `clientIp` parsed, once per request (client-ip stage `clientAddressOf`): the allowlist, crawler
   * and rate-limit checks share it.
   */
  clientAddr: { ip: string; addr: IPv4 | IPv6 | null } | undefined;
  clientClass: ClientClass;
  /** Grants of a matching allowlist entry (issue: access rules). */
  grants: ReadonlySet<string>;
  /**
   * The User-Agent claims a crawler named in access.yaml but the address is neither in its published
   * ranges nor Cloudflare-verified: an ordinary client, and a signal the WAF and rate limiter may score.
   */
  spoofedCrawler: boolean;
  /** The access token the request presents (shared/credential.ts), bound into the gateway signature. */
  credential: PresentedCredential | undefined;
  /** Verified identity forwarded to the backend in signed headers. */
  identity: { userId: string; role: string } | undefined;
  /** The request body, read once within the limits, reused by the WAF and the proxy. */
  body: Uint8Array | undefined;
  /** Set by the WAF stage (absent when the WAF is off for the route). */
  wafVerdict: Verdict | undefined;
  /** Headers a stage wants on the final response (rate-limit headers, debug verdicts). */
  responseHeaders: Headers;
  /** Metrics (gateway/src/metrics): the code of a problem the gateway answered itself. */
  problemCode: string | undefined;
  /** Metrics: why the JWT rule refused the request. */
  jwtRejection: 'missing' | 'invalid' | 'expired' | 'unavailable' | undefined;
  /** Metrics: the rate limiter's decisions for this request. */
  rateLimitDecisions: Decision[] | undefined;
  /** Metrics: the backend's answer time and outcome (set right before the proxy). */
  upstream: { outcome: 'ok' | 'status_5xx' | 'unreachable'; ms: number } | undefined;
}

export type GatewayEnv = { Bindings: Bindings; Variables: Variables };
