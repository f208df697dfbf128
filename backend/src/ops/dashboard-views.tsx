import { Layout } from '../pages/layout.tsx';
import { ROUTE_CLASSES } from '../../../shared/ops/route-class.ts';
import { BarChart, LineChart } from './charts.tsx';
import { countBy, countOf, histogramQuantileMs } from './gateway-source.ts';
import type { OpsNumbers } from './numbers.ts';
import type { Light, OpsStatus } from './status.ts';
import { WINDOWS, type WindowName } from './window.ts';
import type { FailedRequest } from './failed-requests.ts';
import { PaymentProblemsPanel } from './request-views.tsx';

export const OPS_CSS = `
.strip{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}.light{padding:.4rem .8rem;border-radius:6px;font-weight:600;color:#fff}
.light.green{background:#1d6b33}.light.amber{background:#8a5a00}.light.red{background:#a61b1b}.light.unknown{background:#5b6573}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,30rem),1fr));gap:.75rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.2rem .4rem;border-bottom:1px solid #e2e5ea}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.chart{width:100%;height:auto;max-height:16rem}
.big{font-size:2rem;font-weight:700}.windows a{margin-right:.5rem}.windows a[aria-current]{font-weight:700;text-decoration:none;color:#1b1f24}
main{max-width:80rem}
`;

const LIGHT_TEXT: Record<Light, string> = { green: 'green', amber: 'amber', red: 'red', unknown: 'no data' };
const n = (v: number | null | undefined, digits = 0) => (v == null ? '–' : v.toFixed(digits));
const GATEWAY_SOURCE = { scrape: 'gateway exposition (local scrape)', analytics_engine: 'Workers Analytics Engine', none: 'not configured' };

export function StatusStrip(props: { status: OpsStatus }) {
  return (
    <section class="card" id="panel-status" aria-labelledby="h-status">
      <h2 id="h-status">Status: {LIGHT_TEXT[props.status.status]}</h2>
      <div class="strip">
        {props.status.lines.map((l) => (
          <span class={`light ${l.status}`} data-line={l.line} data-status={l.status}>
            {l.line}: {LIGHT_TEXT[l.status]}
          </span>
        ))}
      </div>
      <details>
        <summary>Checks behind the lights (ops/alerts.yaml, last {props.status.window})</summary>
        <table>
          <thead>
            <tr><th>line</th><th>check</th><th class="n">value</th><th class="n">amber &gt;</th><th class="n">red &gt;</th><th>light</th><th>why</th></tr>
          </thead>
          <tbody>
            {props.status.lines.flatMap((l) =>
              l.checks.map((c) => (
                <tr data-check={c.id} data-status={c.status}>
                  <td>{l.line}</td><td>{c.id}</td><td class="n">{c.value ?? '–'}</td><td class="n">{c.amber ?? '–'}</td>
                  <td class="n">{c.red}</td><td>{LIGHT_TEXT[c.status]}</td><td>{c.why}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </details>
    </section>
  );
}

function Table(props: { head: string[]; rows: (string | number)[][]; empty?: string }) {
  if (!props.rows.length) return <p class="muted">{props.empty ?? 'No data in this window.'}</p>;
  return (
    <table>
      <thead><tr>{props.head.map((h, i) => (i ? <th class="n">{h}</th> : <th>{h}</th>))}</tr></thead>
      <tbody>{props.rows.map((r) => <tr>{r.map((c, i) => (i ? <td class="n">{c}</td> : <td>{c}</td>))}</tr>)}</tbody>
    </table>
  );
}

const sorted = (m: Map<string, number> | Record<string, number>) =>
  [...(m instanceof Map ? m : Object.entries(m))].sort((a, b) => b[1] - a[1]);

export function OpsDashboardPage(props: { numbers: OpsNumbers; status: OpsStatus; failed: FailedRequest[] }) {
  const { numbers: x, status } = props;
  const gw = x.gateway;
  const classes = ROUTE_CLASSES.filter((c) => x.requests[c].total > 0);
  const latencyRoutes = ['/api/search', '/api/scholarships', '/search', '/scholarships'];
  const wafRules = sorted(countBy(gw, 'gatehouse_waf_decisions_total', 'rule')).filter(([r]) => r !== 'none');
  const wafRows = wafRules.slice(0, 10).map(([rule, total]) => {
    const blocks = countOf(gw, 'gatehouse_waf_decisions_total', { rule, action: 'block' });
    const monitor = countOf(gw, 'gatehouse_waf_decisions_total', { rule, action: 'monitor' });
    const trusted =
      countOf(gw, 'gatehouse_waf_decisions_total', { rule, client_class: 'qa' }) +
      countOf(gw, 'gatehouse_waf_decisions_total', { rule, client_class: 'monitor' });
    return [rule, blocks, monitor, `${total ? Math.round((100 * trusted) / total) : 0}%`];
  });
  const policies = sorted(countBy(gw, 'gatehouse_ratelimit_decisions_total', 'policy'));
  const rlRows = policies.map(([policy, total]) => [
    policy,
    total,
    countOf(gw, 'gatehouse_ratelimit_decisions_total', { policy, decision: 'limited' }),
    countOf(gw, 'gatehouse_ratelimit_backend_errors_total', { policy }),
    countOf(gw, 'gatehouse_ratelimit_decisions_total', { policy, source: 'open' }) +
      countOf(gw, 'gatehouse_ratelimit_decisions_total', { policy, source: 'closed' }) +
      countOf(gw, 'gatehouse_ratelimit_decisions_total', { policy, source: 'local' }),
  ]);
  const circuit = gw.gauges.get('gatehouse_ratelimit_circuit_state|');
  const p = x.payments;
  const st = p.state;
  const rec = st.last_reconciliation;
  return (
    <Layout title="Ops dashboard" head={<style>{OPS_CSS}</style>}>
      <h1>Ops dashboard</h1>
      <p class="windows">
        Window:{' '}
        {(Object.keys(WINDOWS) as WindowName[]).map((w) => (
          <a href={`?window=${w}`} aria-current={w === x.window ? 'page' : undefined}>{w}</a>
        ))}
        <span class="muted"> · generated {x.generatedAt} · this backend process; gateway: {GATEWAY_SOURCE[gw.source]}
          {gw.error ? ` (last read failed: ${gw.error})` : ''}</span>
      </p>
      <StatusStrip status={status} />
      <div class="grid">
        <section class="card" id="panel-requests" aria-labelledby="h-req">
          <h2 id="h-req">Requests and 5xx by route class</h2>
          <LineChart label="Requests and 5xx over the window" lines={[
            { name: 'requests', values: x.series.requests, color: '#1f5fa8' },
            { name: '5xx', values: x.series.errors, color: '#a61b1b' },
          ]} />
          <Table head={['class', 'requests', '2xx', '4xx', '5xx']} rows={classes.map((c) => {
            const r = x.requests[c];
            return [c, r.total, r.byStatus['2xx'] ?? 0, r.byStatus['4xx'] ?? 0, r.errors];
          })} />
        </section>
        <section class="card" id="panel-latency" aria-labelledby="h-lat">
          <h2 id="h-lat">Search and list latency (p50 / p95)</h2>
          <BarChart label="p95 latency against the 25 ms goal and the 120 ms gate" unit=" ms" bars={latencyRoutes.flatMap((r) =>
            x.latency[r] ? [{ label: `${r} p95`, value: x.latency[r].p95 ?? 0, color: (x.latency[r].p95 ?? 0) > 120 ? '#a61b1b' : '#1f5fa8' }] : [],
          )} markers={[{ at: 25, label: '25 goal', color: '#1d6b33' }, { at: 120, label: '120 gate', color: '#a61b1b' }]} />
          <Table head={['route', 'requests', 'p50 ms', 'p95 ms']} rows={latencyRoutes.filter((r) => x.latency[r]).map((r) => [r, x.latency[r].count, n(x.latency[r].p50, 1), n(x.latency[r].p95, 1)])} />
        </section>
        <section class="card" id="panel-waf" aria-labelledby="h-waf">
          <h2 id="h-waf">WAF blocks and monitor hits by rule</h2>
          <BarChart label="WAF decisions by rule" bars={wafRules.slice(0, 10).map(([rule, v]) => ({ label: rule, value: v, color: '#8a5a00' }))} />
          <Table head={['rule', 'blocks', 'monitor (would block)', 'from QA/allowlisted']} rows={wafRows} />
        </section>
        <section class="card" id="panel-ratelimit" aria-labelledby="h-rl">
          <h2 id="h-rl">Rate limits by policy</h2>
          <Table head={['policy', 'decisions', 'limited (429)', 'Redis errors', 'without Redis']} rows={rlRows} />
        </section>
        <section class="card" id="panel-redis" aria-labelledby="h-redis">
          <h2 id="h-redis">Redis health and circuit</h2>
          <p>Circuit: <strong data-circuit={circuit ?? ''}>{circuit === undefined ? 'unknown' : ['closed', 'half-open', 'open'][circuit]}</strong>
            {gw.circuitOpenSeconds ? ` for ${Math.round(gw.circuitOpenSeconds)} s` : ''}</p>
          <Table head={['signal', 'count']} rows={[
            ['Redis errors', countOf(gw, 'gatehouse_ratelimit_backend_errors_total')],
            ['fail-open decisions', countOf(gw, 'gatehouse_ratelimit_decisions_total', { source: 'open' })],
            ['fail-closed refusals', countOf(gw, 'gatehouse_ratelimit_decisions_total', { decision: 'unavailable' })],
            ['local-fallback decisions', countOf(gw, 'gatehouse_ratelimit_decisions_total', { source: 'local' })],
            ['circuit transitions', countOf(gw, 'gatehouse_ratelimit_circuit_transitions_total')],
            ['Redis decision p95 (ms)', n(histogramQuantileMs(gw, 'gatehouse_ratelimit_redis_latency_seconds', 0.95), 1)],
          ]} />
        </section>
        <section class="card" id="panel-payments" aria-labelledby="h-pay">
          <h2 id="h-pay">Payments</h2>
          <p>Duplicates (must read 0): <span class="big" data-duplicates={st.duplicates.total}>{st.duplicates.total}</span>
            <span class="muted"> PSP charges {st.duplicates.psp_charges} · ledger postings {st.duplicates.ledger_postings} · credit grants {st.duplicates.credit_grants}</span></p>
          <Table head={['purchases in window', 'count']} rows={sorted(p.purchases)} empty="No purchases in this window." />
          <Table head={['refunds in window', 'count']} rows={sorted(p.refunds)} empty="No refunds in this window." />
          <Table head={['idempotency', 'count']} rows={[['replays', p.replays], ['409 still running', p.conflicts['409'] ?? 0], ['422 key reused', p.conflicts['422'] ?? 0]]} />
          <Table head={['purchases by status (all time)', 'count']} rows={sorted(st.purchases_by_status)} />
        </section>
        <section class="card" id="panel-webhooks" aria-labelledby="h-wh">
          <h2 id="h-wh">Webhooks, outbox, reconciliation</h2>
          <Table head={['webhook result', 'count']} rows={sorted(p.webhooks)} empty="No webhooks in this window." />
          <Table head={['outbox and recovery', 'value']} rows={[
            ['outbox pending', st.outbox.pending], ['outbox lag (s)', n(st.outbox.lag_seconds, 1)], ['dead letters', st.outbox.dead_letters],
            ['unfinished idempotency keys', st.unfinished_keys], ['recovery rounds', p.recovery.runs], ['recovery rounds with errors', p.recovery.errors],
            ...sorted(p.recovery.resumed).map(([k, v]) => [`recovery resumed ${k}`, v] as [string, number]),
          ]} />
          <p>Last reconciliation: {rec ? `${rec.finished_at} (${rec.source}): matched ${rec.matched}, mismatched ${rec.mismatched}` : 'none yet'}</p>
        </section>
        <PaymentProblemsPanel problems={st.recent_problems} />
        <section class="card" id="panel-auth" aria-labelledby="h-auth">
          <h2 id="h-auth">Auth and access</h2>
          <Table head={['auth outcome', 'count']} rows={[
            ['logins succeeded', x.auth.logins.success ?? 0], ['logins failed', x.auth.logins.failure ?? 0],
            ['refresh-token reuse', x.auth.refreshReuse], ['resets requested', x.auth.resets.requested ?? 0], ['resets completed', x.auth.resets.completed ?? 0],
          ]} />
          <Table head={['gateway', 'count']} rows={[
            ...sorted(countBy(gw, 'gatehouse_jwt_rejections_total', 'reason')).map(([r, v]) => [`JWT rejected: ${r}`, v] as [string, number]),
            ['CORS refusals', countOf(gw, 'gatehouse_cors_refusals_total')],
            ['crawlers verified', countOf(gw, 'gatehouse_crawler_requests_total', { verdict: 'verified' })],
            ['crawlers spoofed', countOf(gw, 'gatehouse_crawler_requests_total', { verdict: 'spoofed' })],
            ['upstream unreachable', countOf(gw, 'gatehouse_upstream_requests_total', { outcome: 'unreachable' })],
            ['upstream 5xx', countOf(gw, 'gatehouse_upstream_requests_total', { outcome: 'status_5xx' })],
            ['upstream p95 (ms)', n(histogramQuantileMs(gw, 'gatehouse_upstream_duration_seconds', 0.95), 1)],
          ]} />
        </section>
        <section class="card" id="panel-failures" aria-labelledby="h-fail">
          <h2 id="h-fail">Recent failing requests</h2>
          <Table head={['request id', 'route', 'status', 'at']} rows={props.failed.map((f) => [f.requestId, f.route, f.status, f.at])} empty="No 5xx since this process started." />
          {props.failed.length ? (
            <ul>{props.failed.slice(0, 10).map((f) => <li><a href={`/ops/requests/${encodeURIComponent(f.requestId)}`}>log lines of {f.requestId}</a></li>)}</ul>
          ) : null}
        </section>
      </div>
    </Layout>
  );
}
