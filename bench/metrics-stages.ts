/**
 * `npm run bench:metrics`: what the metrics stages cost per request, measured inside a real Hono
 * chain: an outer timer, the stage, an inner timer around the handler; the stage's cost is outer
 * minus inner. Gateway: the telemetry stage (event from the context, exposition counters) with a
 * WAF verdict and rate-limit decisions set, as after a real pipeline; target ≤ 5 µs median.
 * Backend: the RED middleware (route class, histogram, in-flight, minute window); target ≤ 50 µs.
 * `BENCH_REQUESTS` (default 50,000) per stage.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { telemetry } from '../gateway/src/metrics/telemetry.ts';
import { httpMetrics } from '../backend/src/ops/http-metrics.ts';
import { percentile } from './lib/percentiles.ts';
import type { GatewayEnv } from '../gateway/src/env.ts';

type Stage = MiddlewareHandler<GatewayEnv>;

const N = Number(process.env.BENCH_REQUESTS ?? 50_000);

/** Per request: time spent in the middleware chain outside the handler (µs), sorted. */
async function overhead(stage: Stage | undefined, setup: Stage, paths: string[]) {
  const costs: number[] = [];
  let handlerStart = 0;
  let handlerEnd = 0;
  const app = new Hono<GatewayEnv>();
  app.use(async (_c, next) => {
    const t0 = performance.now();
    await next();
    costs.push((handlerStart - t0 + (performance.now() - handlerEnd)) * 1000);
  });
  if (stage) app.use(stage);
  app.use(setup);
  app.all('*', (c) => {
    handlerStart = performance.now();
    const res = c.text('ok');
    handlerEnd = performance.now();
    return res;
  });
  for (let i = 0; i < N; i++) await app.request(paths[i % paths.length]);
  return costs.slice(Math.floor(N / 10)).sort((a, b) => a - b); // first 10%: warm-up
}

/** The stage's cost: the chain with it minus the chain without it, at each percentile. */
async function measure(name: string, stage: Stage, setup: Stage, paths: string[]) {
  const base = await overhead(undefined, setup, paths);
  const withStage = await overhead(stage, setup, paths);
  const at = (p: number) => Math.max(0, percentile(withStage, p) - percentile(base, p));
  console.log(
    `${name.padEnd(26)} median ${at(50).toFixed(2)} µs  p95 ${at(95).toFixed(2)} µs  p99 ${at(99).toFixed(2)} µs  (${withStage.length} requests, chain without it: median ${percentile(base, 50).toFixed(2)} µs)`,
  );
  return at(50);
}

const paths = ['/api/search?q=nursing', '/api/scholarships', '/scholarships/some-slug', '/api/auth/login', '/x/y/z'];
const gatewaySetup: Stage = async (c, next) => {
  c.set('clientClass', 'anonymous');
  c.set('wafVerdict', {
    wouldBlock: false,
    action: 'monitor',
    mode: 'monitor',
    score: 3,
    threshold: 5,
    matches: [{ ruleId: 'xss-001' }],
    primaryRule: 'xss-001',
    reason: 'below_threshold',
  } as never);
  c.set('rateLimitDecisions', [{ policy: { id: 'search' }, outcome: 'allow', source: 'redis' }] as never);
  await next();
};
const gw = await measure('gateway telemetry stage', telemetry(), gatewaySetup, paths);
const be = await measure(
  'backend RED middleware',
  httpMetrics() as unknown as Stage,
  async (_c, next) => next(),
  paths,
);
console.log(
  `targets: gateway ≤ 5 µs median (${gw <= 5 ? 'met' : 'MISSED'}), backend ≤ 50 µs median (${be <= 50 ? 'met' : 'MISSED'})`,
);
