/**
 * A proxy between the gateway and the backend that injects the faults the gate's NO-GO tests need
 * (a slow route, a 500 before the backend sees a webhook) without any hook in production code.
 */
import { createServer, request } from 'node:http';
import { freePort } from '../../test/support/process.ts';

export interface FaultProxy {
  url: string;
  /** Delay every request whose path starts with `prefix` by `ms`. */
  delay(prefix: string, ms: number): void;
  /** Answer the next `n` requests whose path starts with `prefix` with a 500, without forwarding. */
  failNext(prefix: string, n: number): void;
  /** How many requests were failed on purpose so far. */
  failed(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const t = new URL(target);
  const delays = new Map<string, number>();
  const fails = new Map<string, number>();
  let failedCount = 0;
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    for (const [prefix, n] of fails)
      if (n > 0 && url.startsWith(prefix)) {
        fails.set(prefix, n - 1);
        failedCount++;
        req.resume();
        res.writeHead(500, { 'content-type': 'application/problem+json' });
        res.end('{"type":"about:blank","title":"injected by the gate","status":500,"code":"GATE_FAULT"}');
        return;
      }
    const ms = [...delays].find(([p]) => url.startsWith(p))?.[1] ?? 0;
    setTimeout(() => {
      const up = request(
        { host: t.hostname, port: t.port, method: req.method, path: url, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(up);
    }, ms);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`,
    delay: (prefix, ms) => delays.set(prefix, ms),
    failNext: (prefix, n) => fails.set(prefix, n),
    failed: () => failedCount,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
