import { describe, it, expect, afterEach } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runPaced } from './paced.ts';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(delayMs: number): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  server = http.createServer((req, res) => {
    paths.push(req.url!);
    if (req.url === '/missing') res.statusCode = 404;
    setTimeout(() => res.end('ok'), delayMs);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, paths };
}

describe('runPaced', () => {
  it('sends at the given rate, cycling through the paths, and counts non-2xx answers', async () => {
    const { url, paths } = await serve(1);
    const r = await runPaced({
      name: 'x',
      baseUrl: url,
      paths: ['/a', '/missing'],
      seconds: 0.5,
      rate: 100,
      connections: 4,
    });
    expect(r.count).toBe(50);
    // Four connections: requests sent back to back may reach the server in either order, so the
    // send order is checked on one connection below; here each path gets its half.
    expect(paths.filter((p) => p === '/a')).toHaveLength(25);
    expect(paths.filter((p) => p === '/missing')).toHaveLength(25);
    expect(r.non2xx).toBe(25);
    // Never faster than the rate (load can only slow a run down, so this bound is firm); a scheduler
    // at half the rate (~50 req/s) fails the lower bound, which leaves room for a loaded machine
    // (78 req/s seen on a busy 2-CPU CI run). A latency counted from the run's start instead of each
    // request's due time would put p50 near 250 ms.
    expect(r.rps).toBeLessThanOrEqual(102);
    expect(r.rps).toBeGreaterThan(60);
    expect(r.p50).toBeLessThan(100);
  });

  it('counts the wait for a busy connection as latency (no coordinated omission)', async () => {
    // One connection, 20 ms per answer, a request due every 10 ms: the 20th request is due at
    // 190 ms but can only start after 19 answers (380 ms), so its latency is about 210 ms, not 20.
    const { url, paths } = await serve(20);
    const r = await runPaced({ name: 'x', baseUrl: url, paths: ['/a', '/b'], seconds: 0.2, rate: 100, connections: 1 });
    expect(r.count).toBe(20);
    // One connection: requests reach the server in the order they were sent, cycling through the paths.
    expect(paths).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? '/b' : '/a')));
    expect(r.p50).toBeGreaterThan(60);
    expect(r.max).toBeGreaterThan(150);
  });
});
