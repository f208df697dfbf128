/** Line 3: QA load at a steady rate on search and list (API and pages); p95 must be ≤ 120 ms. */
import { runPaced } from '../../../bench/lib/paced.ts';
import type { GateContext } from '../context.ts';
import { type Check, check } from '../types.ts';

/** The launch checkpoint's bar. */
const GATE_P95_MS = 120;
/** Our own goal (issue 2), printed beside the gate. */
const GOAL_P95_MS = 25;
const QUERIES = ['nursing', 'engineering scholarship', 'first generation', 'stem women', 'art', 'nursng'];

export async function performanceLine(ctx: GateContext): Promise<Check[]> {
  const groups = [
    {
      name: 'search',
      paths: QUERIES.flatMap((q) => [`/api/search?q=${encodeURIComponent(q)}`, `/search?q=${encodeURIComponent(q)}`]),
    },
    {
      name: 'list',
      paths: ['/api/scholarships', '/scholarships', '/api/scholarships?level=undergraduate', '/scholarships?page=2'],
    },
  ];
  const checks: Check[] = [];
  for (const g of groups) {
    ctx.progress(`performance: ${g.name} at ${ctx.opts.rate} req/s for ${ctx.opts.seconds} s (API and pages)`);
    const r = await runPaced({
      name: g.name,
      baseUrl: ctx.gatewayUrl,
      paths: g.paths,
      seconds: ctx.opts.seconds,
      rate: ctx.opts.rate,
      connections: 16,
      headers: ctx.qaHeaders,
    });
    const ok = r.p95 <= GATE_P95_MS && r.non2xx === 0 && r.errors === 0;
    checks.push(
      check(
        `${g.name} p95 ≤ ${GATE_P95_MS} ms`,
        ok,
        `${r.count} requests: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms (gate ${GATE_P95_MS}, goal ${GOAL_P95_MS}), p99 ${r.p99.toFixed(1)} ms; non-2xx ${r.non2xx}, errors ${r.errors}`,
      ),
    );
  }
  if (ctx.local?.database.kind === 'pglite')
    checks.push({
      name: 'catalog size',
      verdict: 'amber',
      evidence: `measured on embedded PGlite with ${ctx.opts.count} scholarships, not the 100,000-row Postgres gate database`,
    });
  return checks;
}
