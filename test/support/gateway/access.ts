/**
 * Test kit for the access stages (used by *.test.ts inside workerd): a pipeline of the real stages,
 * a stand-in backend behind the global fetch that serves a JWKS and echoes what reached it, and
 * token minting with jose.
 */
import { Hono } from 'hono';
import { parse as parseYaml } from 'yaml';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { vi } from 'vitest';
import type { GatewayEnv } from '../../../gateway/src/env.ts';
import { AccessRulesSchema, type AccessRules } from '../../../gateway/src/config/schema/access.ts';
import type { CrawlerRangesFile } from '../../../gateway/src/config/schema/crawler-ranges.ts';
import {
  SIGNATURE_HEADER,
  USER_HEADER,
  ROLE_HEADER,
  verifyGatewaySignature,
  bodyDigest,
  credentialBinding,
} from '../../../shared/gateway-signature.ts';
import { pickCredential } from '../../../shared/credential.ts';
import { requestId } from '../../../gateway/src/pipeline/request-id/index.ts';
import { canonical } from '../../../gateway/src/pipeline/canonical/index.ts';
import { clientIp } from '../../../gateway/src/pipeline/client-ip/index.ts';
import { clientClass } from '../../../gateway/src/pipeline/client-class/index.ts';
import { cors } from '../../../gateway/src/pipeline/cors/index.ts';
import { jwt } from '../../../gateway/src/pipeline/jwt/index.ts';
import { proxy } from '../../../gateway/src/pipeline/proxy/index.ts';
import bundledAccess from '../../../gateway/rules/access.yaml';
import bundledDevelopment from '../../../gateway/rules/development.yaml';
import { parseOverlay } from '../../../gateway/src/config/schema/overlay.ts';

export const BACKEND = 'http://backend.test';
const SECRET = 'test-gateway-secret-0123456789';
/** Development bindings: the client address is read from CF-Connecting-IP as tests send it. */
export const ENV = {
  BACKEND_URL: BACKEND,
  GATEWAY_SHARED_SECRET: SECRET,
  GATEWAY_ENV: 'development',
  CLIENT_IP_SOURCE: 'header',
  CLIENT_IP_HEADER: 'cf-connecting-ip',
};

/**
 * The shipped access.yaml with the development overlay merged (tests run as development, like
 * `npm start`), optionally changed by `edit` (on a parsed copy).
 */
export function accessRules(edit?: (raw: Record<string, any>) => void): AccessRules {
  const raw = parseYaml(bundledAccess) as Record<string, any>;
  const overlay = parseOverlay(bundledDevelopment);
  raw.cors.allowed_origins.push(...overlay.access.cors.allowed_origins);
  raw.jwt.exempt.push(...overlay.access.jwt.exempt);
  edit?.(raw);
  return AccessRulesSchema.parse(raw);
}

export interface Keys {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeKeys(kid = crypto.randomUUID()): Promise<Keys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

export async function mintToken(
  keys: Keys,
  opts: {
    sub?: string;
    role?: string;
    iss?: string;
    aud?: string;
    expOffset?: number;
    nbfOffset?: number;
    kid?: string;
  } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: opts.role ?? 'student' })
    .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? keys.kid, typ: 'JWT' })
    .setSubject(opts.sub ?? 'user-123')
    .setIssuer(opts.iss ?? 'gatehouse')
    .setAudience(opts.aud ?? 'gatehouse-api')
    .setIssuedAt(now)
    .setNotBefore(now + (opts.nbfOffset ?? 0))
    .setExpirationTime(now + (opts.expOffset ?? 900))
    .sign(keys.privateKey);
}

const b64url = (s: string) => btoa(s).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

/** An unsigned token (`alg: none`) with otherwise valid claims. */
export function unsignedToken(kid: string): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64url(JSON.stringify({ alg: 'none', kid, typ: 'JWT' }))}.${b64url(JSON.stringify({ sub: 'admin-1', role: 'admin', iss: 'gatehouse', aud: 'gatehouse-api', iat: now, exp: now + 900 }))}.`;
}

/** What the stand-in backend saw. */
export interface Upstream {
  jwksFetches: number;
  /** Set to make the JWKS endpoint fail. */
  jwksStatus: number;
  keys: JWK[];
  /** Headers of every non-JWKS request, in order. */
  seen: { path: string; headers: Record<string, string>; signatureValid: boolean }[];
  /** Extra response headers for forwarded requests (e.g. a leaking debug header). */
  responseHeaders: Record<string, string>;
}

/** Replaces the global fetch with a stand-in backend at BACKEND; restore with `vi.unstubAllGlobals()`. */
export function stubBackend(keys: JWK[]): Upstream {
  const up: Upstream = { jwksFetches: 0, jwksStatus: 200, keys, seen: [], responseHeaders: {} };
  const backend = new Hono();
  backend.use(async (c, next) => {
    const url = new URL(c.req.url);
    const signatureValid = await verifyGatewaySignature(SECRET, c.req.header(SIGNATURE_HEADER), {
      method: c.req.method,
      pathAndQuery: url.pathname + url.search,
      requestId: c.req.header('x-request-id') ?? '',
      bodySha256: await bodyDigest(new Uint8Array(await c.req.raw.clone().arrayBuffer())),
      credential: await credentialBinding(
        pickCredential(c.req.header('authorization'), c.req.header('cookie'), 'gh_access'),
      ),
      userId: c.req.header(USER_HEADER) ?? '',
      role: c.req.header(ROLE_HEADER) ?? '',
    });
    if (!signatureValid) return c.json({ code: 'GATEWAY_SIGNATURE_INVALID' }, 403);
    await next();
  });
  backend.get('/.well-known/jwks.json', (c) => {
    up.jwksFetches++;
    return up.jwksStatus === 200 ? c.json({ keys: up.keys }) : c.text('down', up.jwksStatus as 503);
  });
  backend.all('*', async (c) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => {
      headers[k] = v;
    });
    up.seen.push({ path: c.req.path, headers, signatureValid: true });
    return c.json({ ok: true }, 200, up.responseHeaders);
  });
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    if (!req.url.startsWith(BACKEND)) throw new TypeError(`network disabled in tests: ${req.url}`);
    return backend.fetch(req);
  });
  return up;
}

/** The access stages in pipeline order, in front of the real proxy stage. */
export function accessApp(
  rules: AccessRules,
  opts: {
    crawlerRanges?: CrawlerRangesFile;
    wafVerdict?: GatewayEnv['Variables']['wafVerdict'];
    echoVars?: boolean;
    /** The JWT stage's key-cache clock. */
    now?: () => number;
  } = {},
) {
  const app = new Hono<GatewayEnv>();
  app.use(requestId());
  app.use(canonical());
  app.use(clientIp());
  app.use(clientClass(rules, opts.crawlerRanges));
  app.use(cors(rules));
  if (opts.wafVerdict)
    app.use(async (c, next) => {
      c.set('wafVerdict', opts.wafVerdict);
      await next();
    });
  app.use(jwt(rules, { now: opts.now }));
  if (opts.echoVars) {
    // Instead of forwarding: answer with what the stages decided, for classification tests.
    app.all('*', (c) =>
      c.json({
        clientClass: c.get('clientClass'),
        grants: [...c.get('grants')].sort(),
        spoofedCrawler: c.get('spoofedCrawler'),
        identity: c.get('identity') ?? null,
      }),
    );
  } else app.all('*', proxy());
  return {
    app,
    request: (path: string, init: RequestInit & { cf?: unknown } = {}) =>
      app.request(new Request(`https://gateway.test${path}`, init as RequestInit), undefined, ENV),
  };
}
