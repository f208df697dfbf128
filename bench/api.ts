/**
 * `npm run bench:api`: the catalog API through the gateway with 100,000 scholarships.
 *
 * Seeds (once) a dedicated Postgres database (BENCH_DATABASE_URL, default gatehouse_bench on the
 * local server), starts the backend and the gateway on workerd on free ports, then sends requests
 * against GET /api/search (varied queries, typos and filters) and GET /api/scholarships (filters,
 * sorts, second pages): first at a steady 100 req/s (one request every 10 ms, open loop: see
 * lib/paced.ts for why not autocannon's rate option), then unthrottled with autocannon. Prints
 * p50/p95/p99 and req/s. Target (issue #2): p95 ≤ 25 ms at 100 req/s on a 2-core machine.
 * The server-rendered pages a browser asks for (GET /search, /scholarships, /scholarships/:slug, as
 * HTML) are held to the same target at 100 req/s (issue #12); `--only pages` or `--only api` runs one half.
 */
import { parseArgs } from 'node:util';
import { prepareDatabase, startBenchStack } from './lib/stack.ts';
import { runLoad, type LoadResult } from './lib/load.ts';
import { runPaced } from './lib/paced.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string' },
    seconds: { type: 'string' },
    connections: { type: 'string' },
    only: { type: 'string' },
  },
});
const ONLY = values.only as 'api' | 'pages' | undefined;
/** The catalog size the target is stated for. */
const COUNT = Number(values.count ?? 100_000);
const SECONDS = Number(values.seconds ?? 20);
const CONNECTIONS = Number(values.connections ?? 10);
/** The fixed rate of the target. */
const RATE = 100;
const TARGET_P95_MS = 25;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gatehouse_bench';
/**
 * The gateway rate-limits reads per client address (600/min, policy `read` in limits.yaml). The bench presents an address of
 * the QA range in gateway/rules/access.yaml, whose `skip_rate_limit` grant exists for load runs;
 * set BENCH_CLIENT_IP to measure as an ordinary client (expect 429s).
 */
const CLIENT_IP = process.env.BENCH_CLIENT_IP ?? '198.51.100.10';

/** Realistic queries: single words, phrases, web-search syntax, one-letter typos, with and without filters. */
const SEARCHES = [
  'nursing',
  'computer science',
  'first-generation',
  '"women in stem"',
  'veterans',
  'rural agriculture',
  'music',
  'engineering texas',
  'public health',
  'nursng',
  'enginering',
  'scholarship for teachers',
  'low-income access',
  'data science',
  'architecture',
  '"community service" OR leadership',
  'history -memorial',
  'journalism award',
  'psychology',
  'criminal justice',
  'environmental science fellowship',
  'mathematics',
  'hospitality',
  'trailblazer',
  'resilience',
  'physics prize',
  'accounting',
  'social work',
  'biology',
  'law',
].flatMap((q, i) => {
  const base = `/api/search?q=${encodeURIComponent(q)}`;
  return i % 3 === 0
    ? [base, `${base}&level=undergraduate`]
    : i % 3 === 1
      ? [base, `${base}&min_amount=5000`]
      : [base, `${base}&state=CA&limit=10`];
});

const LISTS = [
  '/api/scholarships',
  '/api/scholarships?sort=amount',
  '/api/scholarships?sort=newest',
  '/api/scholarships?level=graduate',
  '/api/scholarships?field=nursing',
  '/api/scholarships?state=TX',
  '/api/scholarships?min_amount=10000&sort=amount',
  '/api/scholarships?deadline_after=2027-01-01',
  '/api/scholarships?level=undergraduate&field=engineering',
  '/api/scholarships?limit=50',
  '/api/scholarships?field=computer_science&sort=newest',
  '/api/scholarships?state=CA&level=high_school',
];

/** The same searches and lists as pages: what a browser navigating the site requests. */
const SEARCH_PAGES = SEARCHES.map((p) => p.replace('/api/search?', '/search?'));
const LIST_PAGES = LISTS.map((p) => p.replace('/api/scholarships', '/scholarships'));

/** Detail pages of scholarships spread over the catalog (first items of several sorts and filters). */
async function detailPages(baseUrl: string, headers: Record<string, string>): Promise<string[]> {
  const slugs = new Set<string>();
  for (const p of LISTS) {
    const body = (await (await fetch(`${baseUrl}${p}`, { headers })).json()) as { items: { slug: string }[] };
    for (const i of body.items.slice(0, 5)) slugs.add(i.slug);
  }
  return [...slugs].map((slug) => `/scholarships/${slug}`);
}

async function withSecondPages(baseUrl: string, paths: string[], headers: Record<string, string>): Promise<string[]> {
  const out = [...paths];
  for (const p of paths.slice(0, 6)) {
    const r = await fetch(baseUrl + p, { headers });
    const body = (await r.json()) as { next_cursor?: string | null };
    if (body.next_cursor) out.push(`${p}${p.includes('?') ? '&' : '?'}cursor=${body.next_cursor}`);
  }
  return out;
}

function row(r: LoadResult): string {
  const f = (n: number) => n.toFixed(1).padStart(7);
  return `${r.name.padEnd(40)} ${String(r.count).padStart(7)} ${String(r.rps).padStart(7)} ${f(r.p50)} ${f(r.p95)} ${f(r.p99)} ${f(r.max)} ${String(r.non2xx).padStart(6)} ${String(r.errors).padStart(6)}`;
}

await prepareDatabase(DATABASE_URL, COUNT);
const stack = await startBenchStack(DATABASE_URL);
const headers = { 'cf-connecting-ip': CLIENT_IP, accept: 'application/json' };
const htmlHeaders = { 'cf-connecting-ip': CLIENT_IP, accept: 'text/html,application/xhtml+xml' };
try {
  const lists = await withSecondPages(stack.gatewayUrl, LISTS, headers);
  const probe = await fetch(stack.gatewayUrl + SEARCHES[0], { headers });
  if (!probe.ok) throw new Error(`probe ${SEARCHES[0]} answered ${probe.status}: ${await probe.text()}`);
  const base = { baseUrl: stack.gatewayUrl, headers };
  console.log(`bench: warming up (${SEARCHES.length} search and ${lists.length} list paths)…`);
  await runLoad({ ...base, name: 'warm-up', paths: [...SEARCHES, ...lists], seconds: 5, connections: CONNECTIONS });

  const details = await detailPages(stack.gatewayUrl, headers);
  const pages = { baseUrl: stack.gatewayUrl, headers: htmlHeaders };
  await runLoad({
    ...pages,
    name: 'warm-up pages',
    paths: [...SEARCH_PAGES, ...LIST_PAGES, ...details],
    seconds: 3,
    connections: CONNECTIONS,
  });

  const results: LoadResult[] = [];
  if (ONLY !== 'api') {
    for (const [name, paths] of [
      ['GET /search (HTML page)', SEARCH_PAGES],
      ['GET /scholarships (HTML page)', LIST_PAGES],
      ['GET /scholarships/:slug (HTML)', details],
    ] as const) {
      results.push(
        await runPaced({
          ...pages,
          name: `${name} @${RATE}/s`,
          paths,
          seconds: SECONDS,
          connections: CONNECTIONS,
          rate: RATE,
        }),
      );
    }
  }
  for (const [name, paths] of ONLY === 'pages'
    ? []
    : ([
        ['GET /api/search', SEARCHES],
        ['GET /api/scholarships', lists],
      ] as const)) {
    results.push(
      await runPaced({
        ...base,
        name: `${name} @${RATE}/s`,
        paths,
        seconds: SECONDS,
        connections: CONNECTIONS,
        rate: RATE,
      }),
    );
    results.push(
      await runLoad({
        ...base,
        name: `${name} unthrottled`,
        paths,
        seconds: Math.ceil(SECONDS / 2),
        connections: CONNECTIONS,
      }),
    );
  }
  console.log(
    `\nbench:api — ${COUNT} scholarships, through the gateway (workerd) at ${stack.gatewayUrl}, ${CONNECTIONS} connections`,
  );
  console.log(
    `${'run'.padEnd(40)} ${'reqs'.padStart(7)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)} ${'non2xx'.padStart(6)} ${'errors'.padStart(6)}`,
  );
  for (const r of results) console.log(row(r));
  for (const r of results.filter((x) => x.name.endsWith(`@${RATE}/s`))) {
    console.log(
      `${r.name}: p95 ${r.p95.toFixed(1)} ms ${r.p95 <= TARGET_P95_MS ? '≤' : '>'} target ${TARGET_P95_MS} ms${r.non2xx ? ` (${r.non2xx} non-2xx!)` : ''}`,
    );
  }
} finally {
  await stack.stop();
}
