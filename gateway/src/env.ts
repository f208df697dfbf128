/**
 * The Worker's bindings (wrangler.toml [vars] / secrets, or the workerd config `npm start` writes)
 * and every context variable a pipeline stage sets. Declared once here so stages stay typed.
 */
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
}

import type { Verdict } from './waf/types.ts';
import type { PresentedCredential } from '../../shared/credential.ts';

/** How the gateway sees the client; set by the client-class stage. */
export type ClientClass = 'anonymous' | 'user' | 'qa' | 'monitor' | 'verified_crawler';

interface Variables {
  requestId: string;
  /** From CF-Connecting-IP only; 'unknown' when absent or not an IP. */
  clientIp: string;
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
}

export type GatewayEnv = { Bindings: Bindings; Variables: Variables };
