/**
 * `npm run bench:gateway`: what the whole gateway costs over a bare pass-through Worker.
 *
 * 1. Throughput and latency side by side: the gateway (bundle of `npm run gateway`, development
 *    bindings, in-memory limiter) and a minimal pass-through Worker on the same workerd binary, in
 *    front of the same trivial upstream, with the same requests: a 1 KB JSON POST (/api/eligibility:
 *    WAF in block mode, JWT rule, write policy) and a filtered GET (/api/scholarships?…). Clients
 *    come from many addresses (like real traffic; one address would hit its own limit), none of them
 *    allowlisted, so every stage runs. autocannon, 32 connections by default. The upstream runs in its
 *    own process, so each run also prints the CPU time per request of every process (workerd,
 *    upstream, the autocannon driver; /proc/<pid>/stat) and the share of one core workerd used:
 *    workerd runs a Worker's JavaScript on one thread, so a workerd near 100% bounds that run.
 *    A third Worker, the signing floor, does only what the gateway → backend signature asks of any
 *    gateway (buffer and digest the body, HMAC-sign, forward headers, add one to the answer): the
 *    summary prints how much CPU the stages add on top of it and how much 50% of pass-through leaves.
 * 2. Per-stage cost: the same pipeline in-process on Node with each stage timed (self time, without
 *    the stages after it) and the upstream answered in memory, in µs per request. workerd's clocks do
 *    not advance during computation (a Spectre mitigation), so stage timing inside workerd is not possible.
 * Flags: --seconds S (default 10), --connections C (default 32), --samples N (default 3000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { MiddlewareHandler } from 'hono';
import { startGateway } from '../scripts/gateway.ts';
import { writeWorkerdConfig } from '../scripts/workerd-config.ts';
import type { RuleSet } from '../gateway/src/config/schema/index.ts';
import { parseRuleFiles } from '../gateway/src/config/schema/index.ts';
import { parseOverlay, withOverlay } from '../gateway/src/config/schema/overlay.ts';
import { summarize } from './lib/percentiles.ts';
import { cpuMeter } from './lib/cpu-meter.ts';
import { freePort } from './lib/stack.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string' }, connections: { type: 'string' }, samples: { type: 'string' } },
});
const SECONDS = Number(values.seconds ?? 10);
const CONNECTIONS = Number(values.connections ?? 32);
const SAMPLES = Number(values.samples ?? 3000);
const SECRET = 'bench-gateway-secret-0123456789';

/**
 * The Worker's pipeline, loaded by path: the root tsconfig type-checks Node code, and the gateway's
 * sources need the Workers types (gateway/tsconfig.json checks them), so only this shape is declared.
 */
type Stage = MiddlewareHandler;
type CreateGateway = (
  rules: RuleSet,
  opts: { wrap: (name: string, stage: Stage) => Stage },
) => { fetch(req: Request, env: object): Response | Promise<Response> };
const APP_MODULE = '../gateway/src/app.ts';
const { createGateway } = (await import(APP_MODULE)) as { createGateway: CreateGateway };

/** A 1 KB eligibility check, the shape the product sends. */
const POST_BODY = JSON.stringify({
  profile: {
    gpa: 3.6,
    state: 'CA',
    field_of_study: 'Nursing',
    level: 'undergraduate',
    first_generation: true,
    citizenship: 'US',
    essay_topics: ['community service', 'leadership', 'overcoming adversity'],
    about: 'I volunteer at the county clinic on weekends and tutor chemistry. '.repeat(11),
  },
}).slice(0, 1024);
const KINDS = [
  { name: 'POST 1 KB JSON', method: 'POST', path: '/api/eligibility', body: POST_BODY },
  {
    name: 'GET filtered',
    method: 'GET',
    path: '/api/scholarships?state=CA&min_amount=500&level=undergraduate&q=nursing',
  },
] as const;

/** 100.64.0.0/10 addresses (not allowlisted), a different one per request. */
let seq = 0;
const nextIp = () => {
  const n = seq++ % 4_000_000;
  return `100.${64 + ((n >> 16) & 63)}.${(n >> 8) & 255}.${n & 255}`;
};

interface Run {
  /** Requests answered in the run. */
  n: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, kind: (typeof KINDS)[number], seconds: number): Promise<Run> {
  const samples: number[] = [];
  let non2xx = 0;
  const inst = autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: kind.method,
        path: kind.path,
        setupRequest(req: { headers: Record<string, string>; body?: string }) {
          req.headers = { ...req.headers, 'cf-connecting-ip': nextIp(), 'content-type': 'application/json' };
          if ('body' in kind) req.body = kind.body;
          return req;
        },
      },
    ],
  });
  inst.on('response', (_c: unknown, status: number, _b: number, ms: number) => {
    samples.push(ms);
    if (status < 200 || status > 299) non2xx++;
  });
  const r = (await inst) as unknown as { errors: number; timeouts: number; duration: number };
  const s = summarize(samples);
  return {
    n: samples.length,
    rps: Math.round(samples.length / r.duration),
    p50: s.p50,
    p95: s.p95,
    p99: s.p99,
    non2xx,
    errors: r.errors + r.timeouts,
  };
}

/** The baseline: a Worker that forwards every request unchanged, nothing else. */
const PASS_THROUGH = `export default {
  fetch(req, env) {
    const u = new URL(req.url);
    return fetch(env.BACKEND_URL + u.pathname + u.search, { method: req.method, headers: req.headers, body: req.body, redirect: 'manual' });
  },
};
`;

/**
 * The signing floor: the work issue 14's gateway → backend contract asks of any gateway before a
 * stage decides anything (no WAF, limits, JWT, CORS or telemetry): buffer the body, SHA-256 it,
 * HMAC-sign the method, path and query, request id and digest (Web Crypto, as the gateway does), send
 * the client's headers plus the gateway's, and answer with a header of its own added. The gateway
 * cannot use less CPU than this; the bench prints what is left for its stages at 50% of pass-through.
 */
const SIGNING_FLOOR = `const enc = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const hex = (buf) => { let o = ''; for (const b of new Uint8Array(buf)) o += HEX[b]; return o; };
let key;
export default {
  async fetch(req, env) {
    const u = new URL(req.url);
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : new Uint8Array(await req.arrayBuffer());
    key ??= await crypto.subtle.importKey('raw', enc.encode(env.GATEWAY_SHARED_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const digest = body ? hex(await crypto.subtle.digest('SHA-256', body)) : '';
    const id = crypto.randomUUID();
    const t = Math.floor(Date.now() / 1000);
    const line = ['v2', t, req.method, u.pathname + u.search, id, digest, '-', '', ''].join('\\n');
    const headers = new Headers(req.headers);
    headers.set('x-request-id', id);
    headers.set('x-gateway-signature', 't=' + t + ',v2=' + hex(await crypto.subtle.sign('HMAC', key, enc.encode(line))));
    const res = await fetch(env.BACKEND_URL + u.pathname + u.search, { method: req.method, headers, body, redirect: 'manual' });
    const out = new Response(res.body, res);
    out.headers.set('x-request-id', id);
    return out;
  },
};
`;

/** Serves one Worker module on workerd, as `npm run gateway` does, with the bench's bindings. */
async function startWorker(
  name: string,
  source: string,
  upstream: string,
): Promise<{ url: string; child: ChildProcess }> {
  const dir = path.resolve(`.wrangler/bench-${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.js'), source);
  const port = await freePort();
  const config = writeWorkerdConfig(dir, ['index.js'], `127.0.0.1:${port}`, {
    BACKEND_URL: upstream,
    GATEWAY_SHARED_SECRET: SECRET,
  });
  // Quiet: workerd reports every connection autocannon drops at the end of a run as an error.
  const child = spawn(path.resolve('node_modules/.bin/workerd'), ['serve', config, '--experimental'], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(500) });
      return { url, child };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${name} worker did not start`);
}

/** Self time per stage (µs/request), the pipeline run in-process with an in-memory upstream. */
async function stageCosts(kind: (typeof KINDS)[number]): Promise<Map<string, number>> {
  const dir = 'gateway/rules';
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  const rules = withOverlay(
    parseRuleFiles({
      'waf.yaml': read('waf.yaml'),
      'access.yaml': read('access.yaml'),
      'limits.yaml': read('limits.yaml'),
    }),
    parseOverlay(read('development.yaml')),
  );
  const total = new Map<string, number>();
  let measuring = false;
  const wrap = (name: string, stage: Stage): Stage =>
    async function timed(c, next) {
      const t0 = performance.now();
      let inner = 0;
      const res = await stage(c, async () => {
        const t1 = performance.now();
        await next();
        inner += performance.now() - t1;
      });
      if (measuring) total.set(name, (total.get(name) ?? 0) + performance.now() - t0 - inner);
      return res;
    };
  const app = createGateway(rules, { wrap });
  const realFetch = globalThis.fetch;
  globalThis.fetch = async () =>
    new Response('{"items":[],"next_cursor":null}', { headers: { 'content-type': 'application/json' } });
  const env = {
    BACKEND_URL: 'http://127.0.0.1:1',
    GATEWAY_SHARED_SECRET: SECRET,
    GATEWAY_ENV: 'development',
    CLIENT_IP_SOURCE: 'header',
    CLIENT_IP_HEADER: 'cf-connecting-ip',
  };
  const call = () =>
    app.fetch(
      new Request(`https://gateway.test${kind.path}`, {
        method: kind.method,
        headers: {
          'cf-connecting-ip': nextIp(),
          'content-type': 'application/json',
          'user-agent': 'Mozilla/5.0 bench',
        },
        body: 'body' in kind ? kind.body : undefined,
      }),
      env,
    );
  const log = console.log;
  console.log = () => {}; // WAF event lines
  try {
    for (let i = 0; i < 300; i++) await (await call()).arrayBuffer(); // warm-up (JIT)
    measuring = true;
    for (let i = 0; i < SAMPLES; i++) await (await call()).arrayBuffer();
  } finally {
    console.log = log;
    globalThis.fetch = realFetch;
  }
  return new Map([...total].map(([k, v]) => [k, (v / SAMPLES) * 1000]));
}

/** The trivial upstream, in its own process so its CPU time is told apart from the driver's. */
const UPSTREAM = `const s = require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"items":[],"next_cursor":null}');
  });
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
const upstream = spawn(process.execPath, ['-e', UPSTREAM], { stdio: ['ignore', 'pipe', 'inherit'] });
const upstreamUrl = `http://127.0.0.1:${await new Promise<string>((r) => upstream.stdout!.once('data', (d) => r(String(d).trim())))}`;
const children: { stop(): Promise<void> }[] = [];
try {
  const pass = await startWorker('pass-through', PASS_THROUGH, upstreamUrl);
  children.push({ stop: async () => void pass.child.kill('SIGTERM') });
  const floor = await startWorker('signing-floor', SIGNING_FLOOR, upstreamUrl);
  children.push({ stop: async () => void floor.child.kill('SIGTERM') });
  const gw = await startGateway({
    port: await freePort(),
    outDir: '.wrangler/bench-gateway',
    env: {
      ...process.env,
      BACKEND_URL: upstreamUrl,
      GATEWAY_SHARED_SECRET: SECRET,
      GATEWAY_ENV: 'development',
      UPSTASH_REDIS_REST_URL: '',
      UPSTASH_REDIS_REST_TOKEN: '',
    },
  });
  children.push(gw);
  console.log(
    `bench:gateway — ${CONNECTIONS} connections, ${SECONDS} s per run, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${os.cpus().length} CPUs`,
  );
  const head = `${'request'.padEnd(16)} ${'target'.padEnd(13)} ${'req/s'.padStart(7)} ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'p99'.padStart(6)} ${'non2xx'.padStart(7)} ${'errors'.padStart(6)}  CPU µs/req: workerd (% of a core) · upstream · driver`;
  console.log(`${head}\n${'-'.repeat(head.length)}`);
  const ratios: string[] = [];
  for (const kind of KINDS) {
    const rows: Record<string, Run> = {};
    /** workerd CPU µs per request of each target (load on the machine barely moves it; req/s it does). */
    const workerdUs: Record<string, number> = {};
    for (const [name, url, pid] of [
      ['pass-through', pass.url, pass.child.pid!],
      ['signing floor', floor.url, floor.child.pid!],
      ['gateway', gw.url, gw.child.pid!],
    ] as const) {
      await load(url, kind, 2); // warm-up
      const meter = cpuMeter({ workerd: () => [pid], upstream: () => [upstream.pid!], driver: () => [process.pid] });
      await meter.start();
      const started = performance.now();
      const r = await load(url, kind, SECONDS);
      const wall = (performance.now() - started) / 1000;
      const cpu = await meter.stop();
      rows[name] = r;
      workerdUs[name] = (cpu.workerd / r.n) * 1e6;
      const us = (s: number) => ((s / r.n) * 1e6).toFixed(0);
      console.log(
        `${kind.name.padEnd(16)} ${name.padEnd(13)} ${String(r.rps).padStart(7)} ${r.p50.toFixed(2).padStart(6)} ${r.p95.toFixed(2).padStart(6)} ${r.p99.toFixed(2).padStart(6)} ${String(r.non2xx).padStart(7)} ${String(r.errors).padStart(6)}  ${us(cpu.workerd).padStart(4)} (${((cpu.workerd / wall) * 100).toFixed(0)}%) · ${us(cpu.upstream)} · ${us(cpu.driver)}`,
      );
    }
    const pct = (rows.gateway.rps / rows['pass-through'].rps) * 100;
    const [passUs, floorUs, gatewayUs] = [workerdUs['pass-through'], workerdUs['signing floor'], workerdUs.gateway];
    ratios.push(
      `${kind.name}: gateway ${pct.toFixed(0)}% of pass-through throughput; +${(rows.gateway.p50 - rows['pass-through'].p50).toFixed(2)} ms at p50;` +
        ` workerd CPU per request ${gatewayUs.toFixed(0)} µs vs ${passUs.toFixed(0)} µs` +
        ` (${((passUs / gatewayUs) * 100).toFixed(0)}%: the throughput share when workerd bounds both runs)` +
        `\n  signing floor ${floorUs.toFixed(0)} µs (${((passUs / floorUs) * 100).toFixed(0)}% of pass-through): the stages add` +
        ` ${(gatewayUs - floorUs).toFixed(0)} µs on top of it; at 50% of pass-through they would have ${(2 * passUs - floorUs).toFixed(0)} µs`,
    );
  }
  console.log(`\n${ratios.join('\n')}`);
  console.log(
    `\nper-stage cost (self time, µs per request, in-process on Node, ${SAMPLES} requests; the proxy's includes` +
      ` Node's own Response and stream classes around an in-memory upstream)`,
  );
  const costs = await Promise.all(KINDS.map((k) => stageCosts(k)));
  const names = [...new Set(costs.flatMap((m) => [...m.keys()]))];
  console.log(`${'stage'.padEnd(18)} ${KINDS.map((k) => k.name.padStart(16)).join(' ')}`);
  for (const n of names)
    console.log(`${n.padEnd(18)} ${costs.map((m) => (m.get(n) ?? 0).toFixed(1).padStart(16)).join(' ')}`);
  console.log(
    `${'total'.padEnd(18)} ${costs
      .map((m) =>
        [...m.values()]
          .reduce((a, b) => a + b, 0)
          .toFixed(1)
          .padStart(16),
      )
      .join(' ')}`,
  );
} finally {
  for (const c of children.reverse()) await c.stop();
  upstream.kill('SIGTERM');
}
