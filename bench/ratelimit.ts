/**
 * `npm run bench:ratelimit`: what a rate-limit decision costs.
 *
 * 1. Decision latency (median, p95, p99): the Upstash-backed limiter (@upstash/ratelimit over
 *    @upstash/redis, the gateway's code) against the local Redis through the REST bridge on loopback,
 *    sequential decisions per algorithm; the in-memory limiter for comparison.
 * 2. Gateway throughput with limits on vs off: workerd gateways (scripts/gateway.ts) in front of a
 *    trivial upstream, one with a read policy on every GET counted in Redis, one with the in-memory
 *    limiter, one with no policies; autocannon, unthrottled, same connections and duration.
 * Flags: --decisions N (default 2000), --seconds S (default 10), --connections C (default 10).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from '@upstash/redis';
import { startGateway } from '../scripts/gateway.ts';
import { startRedisBridge } from '../test/support/redis-bridge/server.ts';
import { createUpstashLimiter } from '../gateway/src/ratelimit/upstash.ts';
import { createMemoryLimiter } from '../gateway/src/ratelimit/memory.ts';
import type { Algorithm } from '../gateway/src/config/schema/limits.ts';
import type { Limiter } from '../gateway/src/ratelimit/types.ts';
import { summarize, type LatencySummary } from './lib/percentiles.ts';
import { runLoad, type LoadResult } from './lib/load.ts';

const { values } = parseArgs({
  options: { decisions: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string' } },
});
const DECISIONS = Number(values.decisions ?? 2000);
const SECONDS = Number(values.seconds ?? 10);
const CONNECTIONS = Number(values.connections ?? 10);
const ALGORITHMS: Algorithm[] = ['fixedWindow', 'slidingWindow', 'tokenBucket'];
/** Outside the QA allowlist (its skip_rate_limit grant would skip the limiter being measured). */
const CLIENT_IP = '203.0.113.77';
const TOKEN = `bench-${randomUUID()}`;
const PREFIX = `bench:rl:${randomUUID()}`;

async function timeDecisions(l: Limiter, n: number): Promise<LatencySummary> {
  const samples: number[] = [];
  // Keys spread over 100 clients with a limit no run reaches: every decision is a real count.
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await l.limit(`ip:10.0.${i % 100}.1`);
    samples.push(performance.now() - t);
  }
  return summarize(samples);
}

const f = (n: number) => n.toFixed(2).padStart(8);
const line = (name: string, s: LatencySummary) =>
  `${name.padEnd(34)} ${String(s.count).padStart(6)} ${f(s.p50)} ${f(s.p95)} ${f(s.p99)} ${f(s.max)}`;

const bridge = await startRedisBridge({ token: TOKEN });
const upstream = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
});
await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
const gateways: Awaited<ReturnType<typeof startGateway>>[] = [];

function rulesDir(policies: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-rules-'));
  writeFileSync(path.join(dir, 'limits.yaml'), `version: 1\npolicies:${policies}\n`);
  return dir;
}
const READ_POLICY = `
  - id: bench-read
    match: { paths: ['/*'], methods: [GET] }
    key: ip
    algorithm: slidingWindow
    limit: 1000000
    window: 1 m
    failure: { mode: open, why: "benchmark: measures the counting, never refuses" }
    timeout_ms: 1000`;

try {
  // 1. Decision latency.
  const redis = new Redis({ url: bridge.url, token: TOKEN, retry: { retries: 0 }, enableTelemetry: false });
  // Numbers on a shared machine are only comparable at similar load: print it with the results.
  console.log(
    `bench:ratelimit — load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${os.cpus().length} CPUs`,
  );
  console.log(`decision latency, ${DECISIONS} sequential decisions each (ms)`);
  console.log(
    `${'limiter'.padEnd(34)} ${'n'.padStart(6)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`,
  );
  for (const algorithm of ALGORITHMS) {
    const l = createUpstashLimiter(redis, {
      algorithm,
      limit: 1_000_000,
      window: '1 m',
      prefix: `${PREFIX}:${algorithm}`,
      timeoutMs: 5000,
      ephemeralCache: new Map(),
    });
    await timeDecisions(l, 50); // warm-up: script cache, connections
    console.log(line(`upstash via bridge: ${algorithm}`, await timeDecisions(l, DECISIONS)));
  }
  for (const algorithm of ALGORITHMS) {
    const l = createMemoryLimiter({ algorithm, limit: 1_000_000, windowMs: 60_000 });
    console.log(line(`in-memory: ${algorithm}`, await timeDecisions(l, DECISIONS)));
  }

  // 2. Gateway throughput, limits on vs off.
  const common = {
    ...process.env,
    BACKEND_URL: upstreamUrl,
    GATEWAY_SHARED_SECRET: randomUUID(),
    UPSTASH_REDIS_REST_URL: '',
    UPSTASH_REDIS_REST_TOKEN: '',
  };
  const variants = [
    { name: 'limits off (no policy)', env: { ...common, GATEWAY_RULES_DIR: rulesDir(' []') } },
    { name: 'limits on: in-memory', env: { ...common, GATEWAY_RULES_DIR: rulesDir(READ_POLICY) } },
    {
      name: 'limits on: Redis via bridge',
      env: {
        ...common,
        GATEWAY_RULES_DIR: rulesDir(READ_POLICY),
        UPSTASH_REDIS_REST_URL: bridge.url,
        UPSTASH_REDIS_REST_TOKEN: TOKEN,
        RATE_LIMIT_PREFIX: PREFIX,
      },
    },
  ];
  const results: LoadResult[] = [];
  for (const v of variants) {
    const port = await new Promise<number>((resolve) => {
      const s = http.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const gw = await startGateway({ port, env: v.env, outDir: `.wrangler/bench-ratelimit-${port}` });
    gateways.push(gw);
    const base = {
      baseUrl: gw.url,
      headers: { 'cf-connecting-ip': CLIENT_IP },
      paths: ['/bench/a', '/bench/b?x=1', '/bench/c'],
      connections: CONNECTIONS,
    };
    const probe = await fetch(gw.url + '/bench/a', { headers: base.headers });
    if (probe.status !== 200) throw new Error(`${v.name}: probe answered ${probe.status}`);
    if (v.name.startsWith('limits on') && !probe.headers.get('ratelimit'))
      throw new Error(`${v.name}: no RateLimit header, the policy is not applied`);
    await runLoad({ ...base, name: 'warm-up', seconds: 3 });
    results.push(await runLoad({ ...base, name: v.name, seconds: SECONDS }));
    await gw.stop();
    gateways.pop();
  }
  console.log(
    `\nbench:ratelimit — gateway throughput (workerd, ${CONNECTIONS} connections, ${SECONDS} s, trivial upstream; ms)`,
  );
  console.log(
    `${'variant'.padEnd(34)} ${'req/s'.padStart(7)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'non2xx'.padStart(7)} ${'errors'.padStart(7)}`,
  );
  for (const r of results)
    console.log(
      `${r.name.padEnd(34)} ${String(r.rps).padStart(7)} ${r.p50.toFixed(1).padStart(7)} ${r.p95.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)} ${String(r.non2xx).padStart(7)} ${String(r.errors).padStart(7)}`,
    );
  const off = results[0].rps;
  for (const r of results.slice(1))
    console.log(`${r.name}: ${((r.rps / off) * 100).toFixed(0)}% of the limits-off throughput`);
} finally {
  for (const g of gateways) await g.stop();
  await bridge.close();
  upstream.close();
}
