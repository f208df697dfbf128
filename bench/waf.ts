/**
 * `npm run bench:waf`: per-request WAF inspection time (extraction, normalization, every registered
 * detector, exclusions, scoring) on one core, for the request shapes the issue names.
 * Target: median ≤ 50 µs and p99 ≤ 500 µs up to 8 KB; cost linear in size.
 * Usage: npm run bench:waf [-- --rules DIR --iterations N --no-detectors --no-header-cache]
 * Each case repeats one request, so its headers are served from the engine's header-value cache
 * after the first run, as a returning client's are; --no-header-cache inspects them every time.
 */
import { parseArgs } from 'node:util';
import { loadavg, cpus } from 'node:os';
import { inspectRequest, type WafRequest } from '../gateway/src/waf/engine.ts';
import { loadCompiled, DEFAULT_RULES_DIR } from '../scripts/waf/load.ts';
import { compileWaf } from '../gateway/src/config/waf.ts';

const { values } = parseArgs({
  options: {
    rules: { type: 'string' },
    iterations: { type: 'string' },
    'no-detectors': { type: 'boolean' },
    'no-header-cache': { type: 'boolean' },
  },
});
const opts = { noCache: values['no-header-cache'] ?? false };
const loaded = loadCompiled(values.rules ?? DEFAULT_RULES_DIR);
// --no-detectors: the engine's own cost (extraction, normalization, protocol rules, scoring).
const waf = values['no-detectors'] ? compileWaf(loaded.rules, { detectors: [] }) : loaded.waf;
const ITERATIONS = Number(values.iterations ?? 5000);
const enc = new TextEncoder();
const HEADERS = {
  host: 'gatehouse.example',
  'user-agent':
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  accept: 'application/json',
  'accept-language': 'en-US,en;q=0.9',
  referer: 'https://gatehouse.example/search',
  cookie: 'theme=dark; consent=1',
};
const json = (url: string, body: unknown): WafRequest => ({
  method: 'POST',
  url,
  headers: { ...HEADERS, 'content-type': 'application/json' },
  body: enc.encode(JSON.stringify(body)),
});

const PROSE =
  'I grew up in a small town where my mother worked two jobs, and I learned early that school was my way forward. ' +
  "When our library's catalog broke, I taught myself enough programming to fix it, and I want to study computer science so more students get that chance. ";
const prose = (bytes: number) => PROSE.repeat(Math.ceil(bytes / PROSE.length)).slice(0, bytes);

const CASES: [string, WafRequest][] = [
  [
    'GET with a query',
    {
      method: 'GET',
      url: '/api/search?q=%22first-generation%22+OR+%22low+income%22+--+grad&state=CA&limit=20',
      headers: HEADERS,
      body: null,
    },
  ],
  [
    '1 KB JSON login',
    json('/api/auth/login', {
      email: 'siobhan.obrien@example.edu',
      password: `p'; DROP--"<x>`,
      remember: true,
      device: prose(880),
    }),
  ],
  ['5 KB essay JSON', json('/api/me/profile', { name: "Sean O'Brien", essay: prose(5000), state: 'NY' })],
  ['8 KB essay JSON', json('/api/me/profile', { name: "Sean O'Brien", essay: prose(8000), state: 'NY' })],
  [
    '64 KB JSON',
    json('/api/provider/scholarships', {
      items: Array.from({ length: 64 }, (_, i) => ({ id: i, title: `Award ${i}`, description: prose(940) })),
    }),
  ],
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

console.log(
  `WAF inspection, ${waf.detectors.length} detectors, ${waf.rules.size} rules, paranoia ${waf.paranoia}; ${ITERATIONS} iterations per case (one core); header cache ${opts.noCache ? 'off' : 'on'}`,
);
console.log(
  `machine: ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (numbers are only comparable on an idle machine)\n`,
);
console.log('case                size      median µs    p95 µs    p99 µs     req/s  verdict');
for (const [name, req] of CASES) {
  const size = req.body ? req.body.length : req.url.length;
  const n = size > 32_000 ? Math.max(200, Math.floor(ITERATIONS / 10)) : ITERATIONS;
  let v = inspectRequest(req, waf, opts);
  for (let i = 0; i < Math.min(n, 1000); i++) v = inspectRequest(req, waf, opts); // warm-up (JIT)
  const times = new Float64Array(n);
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    inspectRequest(req, waf, opts);
    times[i] = (performance.now() - t0) * 1000;
  }
  const total = performance.now() - start;
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `${name.padEnd(18)} ${String(size).padStart(6)} B ${percentile(sorted, 50).toFixed(1).padStart(12)} ${percentile(sorted, 95).toFixed(1).padStart(9)} ${percentile(sorted, 99).toFixed(1).padStart(9)} ${Math.round(
      n / (total / 1000),
    )
      .toString()
      .padStart(9)}  ${v.action} (score ${v.score})`,
  );
}
