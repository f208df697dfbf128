import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { RespConnection, RespError, SimpleString, type Reply } from './resp.ts';
import { createScriptTranslator } from './scripts.ts';

/**
 * An Upstash-compatible REST bridge in front of a real Redis, for development and tests (Upstash
 * speaks REST, not the Redis protocol). What @upstash/redis sends and expects:
 *   POST /            body ["CMD", "arg", …]            → 200 {"result": …} | 400 {"error": "ERR …"}
 *   GET|POST /cmd/arg/…  (a POST body is the last argument)
 *   POST /pipeline    body [["CMD", …], …]              → 200 [{"result": …} | {"error": …}, …]
 *   POST /multi-exec  the same, run inside MULTI/EXEC   → 200 [{"result": …}, …]
 *   Authorization: Bearer <token> (or ?_token=)         → 401 {"error": "Unauthorized"} when wrong
 *   Upstash-Encoding: base64 → every string in a result is base64, except the status reply "OK"
 * EVAL, EVALSHA and SCRIPT LOAD pass through (Lua shebang flags Redis 7 lacks are dropped: scripts.ts).
 *
 * Fault injection for outage tests: `setMode('hang')` accepts requests and never answers,
 * `setToken()` changes the accepted token, `stop()`/`start()` close and reopen the port.
 */
export interface BridgeOptions {
  host?: string;
  port?: number;
  token: string;
  redisUrl?: string;
  /** Redis connections; commands are pipelined on each. */
  connections?: number;
}

export type BridgeMode = 'normal' | 'hang';

/** Largest request body accepted: rate-limit scripts are a few KB; this bounds a runaway client. */
const MAX_BODY = 1024 * 1024;

type Json = string | number | null | Json[];

function toJson(r: Reply, base64: boolean): Json | { error: string } {
  if (r instanceof RespError) return { error: r.message };
  if (r instanceof SimpleString) return base64 && r.value !== 'OK' ? Buffer.from(r.value).toString('base64') : r.value;
  if (Buffer.isBuffer(r)) return base64 ? r.toString('base64') : r.toString('utf8');
  if (Array.isArray(r))
    return r.map((x) => {
      const v = toJson(x, base64);
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? v.error : v;
    });
  return r;
}

function entry(r: Reply, base64: boolean): { result: Json } | { error: string } {
  const v = toJson(r, base64);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : { result: v };
}

function args(list: unknown): string[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  if (!list.every((a) => typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean')) return undefined;
  return list.map(String);
}

export async function startRedisBridge(opts: BridgeOptions) {
  const redisUrl = new URL(opts.redisUrl ?? 'redis://127.0.0.1:6379');
  const host = opts.host ?? '127.0.0.1';
  let token = opts.token;
  let mode: BridgeMode = 'normal';
  const pool: RespConnection[] = [];
  let next = 0;
  const size = opts.connections ?? 4;
  const conn = () => {
    const i = next++ % size;
    if (!pool[i] || pool[i].closed) pool[i] = new RespConnection(redisUrl);
    return pool[i];
  };
  const scripts = createScriptTranslator();
  /** Runs commands on one connection, in order; SCRIPT LOAD answers the SHA of the client's text. */
  const run = async (cmds: string[][]): Promise<Reply[]> => {
    const replies = await conn().send(cmds.map(scripts.translate));
    return replies.map((r, i) => {
      const sha = scripts.clientSha(cmds[i]);
      return sha && !(r instanceof RespError) ? Buffer.from(sha) : r;
    });
  };
  const hanging = new Set<http.ServerResponse>();
  const sockets = new Set<Socket>();

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (mode === 'hang') {
      hanging.add(res);
      res.once('close', () => hanging.delete(res));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://bridge');
    const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? url.searchParams.get('_token');
    if (given !== token) return send(res, 401, { error: 'Unauthorized' });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) return send(res, 413, { error: 'ERR request body too large' });
      chunks.push(c as Buffer);
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const path = url.pathname.replace(/\/+$/, '');
    let body: unknown;
    if (path === '' || path === '/pipeline' || path === '/multi-exec') {
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return send(res, 400, { error: 'ERR failed to parse command' });
      }
    }
    try {
      if (path === '') {
        const cmd = args(body);
        if (!cmd) return send(res, 400, { error: 'ERR failed to parse command' });
        const [r] = await run([cmd]);
        const e = entry(r, base64);
        return send(res, 'error' in e ? 400 : 200, e);
      }
      if (path === '/pipeline' || path === '/multi-exec') {
        const cmds = Array.isArray(body) ? body.map(args) : undefined;
        if (!cmds?.length || cmds.some((c) => !c))
          return send(res, 400, { error: 'ERR failed to parse pipeline request' });
        if (path === '/pipeline') {
          const replies = await run(cmds as string[][]);
          return send(
            res,
            200,
            replies.map((r) => entry(r, base64)),
          );
        }
        const replies = await run([['MULTI'], ...(cmds as string[][]), ['EXEC']]);
        const queued = replies.slice(1, -1).find((r) => r instanceof RespError);
        const exec = replies[replies.length - 1];
        if (queued instanceof RespError) return send(res, 400, { error: queued.message });
        if (exec instanceof RespError || !Array.isArray(exec))
          return send(res, 400, { error: exec instanceof RespError ? exec.message : 'ERR transaction aborted' });
        return send(
          res,
          200,
          exec.map((r) => entry(r, base64)),
        );
      }
      // Path form: /cmd/arg/…, a POST body being the last argument.
      const cmd = path.split('/').slice(1).map(decodeURIComponent);
      if (req.method === 'POST' && raw) cmd.push(raw);
      const [r] = await run([cmd]);
      const e = entry(r, base64);
      return send(res, 'error' in e ? 400 : 200, e);
    } catch (e) {
      return send(res, 502, { error: `ERR redis unavailable: ${(e as Error).message}` });
    }
  }

  let server: http.Server | undefined;
  let port = opts.port ?? 0;
  async function start(): Promise<void> {
    server = http.createServer((req, res) => {
      handle(req, res).catch((e) => send(res, 500, { error: `ERR ${(e as Error).message}` }));
    });
    server.keepAliveTimeout = 5000;
    server.on('connection', (s) => {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, host, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  }
  /** Closes the port and every open connection (clients see connection refused / reset). */
  async function stop(): Promise<void> {
    if (!server) return;
    const s = server;
    server = undefined;
    for (const r of hanging) r.destroy();
    hanging.clear();
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  await start();
  return {
    get url() {
      return `http://${host}:${port}`;
    },
    get port() {
      return port;
    },
    setMode(m: BridgeMode) {
      mode = m;
      if (m === 'normal') {
        for (const r of hanging) r.destroy();
        hanging.clear();
      }
    },
    setToken(t: string) {
      token = t;
    },
    start,
    stop,
    /** Stops serving and closes the Redis connections. */
    async close() {
      await stop();
      for (const c of pool) c?.close();
    },
  };
}

export type RedisBridge = Awaited<ReturnType<typeof startRedisBridge>>;
