import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startStack, type Stack } from '../support/stack.ts';

/**
 * Issue 14, finding 7 against the running stack: a tap between the gateway (workerd) and the
 * backend records what the gateway really sends; a recorded signed request replayed straight to the
 * backend is refused, as is the same signature carrying another body or another credential. Before
 * the fix the replay created a second account and the body swap a third.
 */
interface Captured {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Headers a replay sends again (the connection's own are recomputed by fetch). */
const HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

let stack: Stack;
let tap: Server;
const captured: Captured[] = [];
let backendUrl = '';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  const tapPort = await freePort();
  tap = createServer(async (req, res) => {
    const body = await readBody(req);
    if (!backendUrl) {
      // The gateway's readiness probe while the stack starts: answer it here.
      res.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !HOP.has(k)) headers[k] = v;
    captured.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers, body });
    const upstream = await fetch(`${backendUrl}${req.url}`, {
      method: req.method,
      headers,
      body: body.length ? new Uint8Array(body) : undefined,
      redirect: 'manual',
    });
    const out = Buffer.from(await upstream.arrayBuffer());
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(out);
  });
  await new Promise<void>((r) => tap.listen(tapPort, '127.0.0.1', r));
  // The gateway talks to the tap; the tap learns the backend's address once the stack is up (the
  // gateway sends nothing before the first request).
  stack = await startStack({ gatewayEnv: { BACKEND_URL: `http://127.0.0.1:${tapPort}` } });
  backendUrl = stack.backendUrl;
});
afterAll(async () => {
  await stack?.stop();
  await new Promise((r) => tap?.close(r));
});

const password = 'correct horse battery staple';
const newEmail = (tag: string) => `trust.${tag}.${process.pid}.${Date.now()}@example.test`;

async function viaGateway(path: string, init: RequestInit): Promise<{ res: Response; sent: Captured }> {
  const before = captured.length;
  const res = await fetch(`${stack.gatewayUrl}${path}`, init);
  const sent = captured.slice(before).find((c) => c.path.startsWith(path.split('?')[0]));
  if (!sent) throw new Error(`the gateway did not forward ${path}`);
  return { res, sent };
}

const replay = (c: Captured, change: { body?: string; headers?: Record<string, string | null> } = {}) => {
  const headers = { ...c.headers };
  for (const [k, v] of Object.entries(change.headers ?? {})) {
    if (v === null) delete headers[k];
    else headers[k] = v;
  }
  const body = change.body ?? (c.body.length ? new Uint8Array(c.body) : undefined);
  return fetch(`${stack.backendUrl}${c.path}`, { method: c.method, headers, body, redirect: 'manual' });
};

async function codeOf(r: Response): Promise<string | undefined> {
  return ((await r.json()) as { code?: string }).code;
}

describe('a signed request captured between gateway and backend', () => {
  let signup: Captured;

  it('is what the gateway sends: signed (v2) with a request id', async () => {
    const { res, sent } = await viaGateway('/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: newEmail('first'), password, name: 'Trust' }),
    });
    expect(res.status).toBe(202);
    expect(sent.headers['x-gateway-signature']).toMatch(/^t=\d+,v2=[0-9a-f]{64}$/);
    expect(sent.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    signup = sent;
  });

  it('replayed as is, straight to the backend: 403 (the request id is single-use)', async () => {
    const r = await replay(signup);
    expect(r.status).toBe(403);
    expect(await codeOf(r)).toBe('GATEWAY_SIGNATURE_INVALID');
  });

  it('replayed with another body (another account): 403, nothing created', async () => {
    const email = newEmail('second');
    const r = await replay(signup, { body: JSON.stringify({ email, password, name: 'Trust' }) });
    expect(r.status).toBe(403);
    const login = await fetch(`${stack.gatewayUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBe(401);
  });

  it('an authenticated request replayed without its token, or with another one: 403', async () => {
    const email = newEmail('me');
    await fetch(`${stack.gatewayUrl}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, name: 'Me' }),
    });
    const login = await fetch(`${stack.gatewayUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const { res, sent } = await viaGateway('/api/me', { headers: { authorization: `Bearer ${access_token}` } });
    expect(res.status).toBe(200);
    expect((await replay(sent, { headers: { authorization: null } })).status).toBe(403);
    expect((await replay(sent, { headers: { authorization: 'Bearer forged.token.value' } })).status).toBe(403);
  });
});
