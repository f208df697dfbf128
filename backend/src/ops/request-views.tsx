import { Layout } from '../pages/layout.tsx';
import type { PaymentProblem, RequestRows } from '../payments/request-trace.ts';

const PROBLEM_TEXT: Record<PaymentProblem['kind'], string> = {
  purchase_failed: 'purchase failed',
  refund_failed: 'refund failed',
  outbox_dead_letter: 'outbox dead letter',
  webhook_not_applied: 'webhook not applied',
};

/** The one command that finds a request's lines in the local log (`npm start 2>&1 | tee gatehouse.log`). */
const grepCommand = (id: string) => `grep -F '"request_id":"${id}"' gatehouse.log`;

/** The request id of a row, linked to the page with its log commands and everything it wrote. */
function RequestLink(props: { id: string | null }) {
  if (!props.id) return <span class="muted">none stored</span>;
  return (
    <a href={`/ops/requests/${encodeURIComponent(props.id)}`} data-request-id={props.id}>
      {props.id}
    </a>
  );
}

/** Dashboard panel: failed purchases and refunds, dead letters and unapplied webhooks, each with its request id. */
export function PaymentProblemsPanel(props: { problems: PaymentProblem[] }) {
  const first = props.problems.find((p) => p.request_id);
  return (
    <section class="card" id="panel-payment-problems" aria-labelledby="h-payprob">
      <h2 id="h-payprob">Recent payments problems</h2>
      {props.problems.length ? (
        <table>
          <thead>
            <tr><th>problem</th><th>row</th><th>detail</th><th>request id</th><th>at</th></tr>
          </thead>
          <tbody>
            {props.problems.map((p) => (
              <tr data-problem={p.kind}>
                <td>{PROBLEM_TEXT[p.kind]}</td><td><code>{p.id}</code></td><td>{p.detail}</td>
                <td><RequestLink id={p.request_id} /></td><td>{p.at}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No failed purchases or refunds, dead letters or unapplied webhooks.</p>
      )}
      {first ? (
        <p>Its log lines (gateway and backend, the outbox relay and consumers included): <code>{grepCommand(first.request_id!)}</code></p>
      ) : null}
    </section>
  );
}

function Rows(props: { head: string[]; rows: string[][]; what: string }) {
  if (!props.rows.length) return <p class="muted">No {props.what} under this id.</p>;
  return (
    <table>
      <thead><tr>{props.head.map((h) => <th>{h}</th>)}</tr></thead>
      <tbody>{props.rows.map((r) => <tr>{r.map((c) => <td>{c}</td>)}</tr>)}</tbody>
    </table>
  );
}

/** How to find one request's log lines on both processes, and the payments rows it wrote. */
export function RequestLogsPage(props: { id: string; rows: RequestRows }) {
  const { id, rows } = props;
  return (
    <Layout title={`Request ${id}`}>
      <h1>Log lines of request {id}</h1>
      <p>Every log line of the gateway and the backend carries <code>request_id</code>, and so do the lines of work a request caused later: the outbox relay and its consumers log the id of the request that enqueued the message, recovery and reconciliation log their run id (<code>recovery-…</code>, <code>reconcile-…</code>). To see them:</p>
      <ul>
        <li>Local (<code>npm start 2&gt;&amp;1 | tee gatehouse.log</code>): <code>{grepCommand(id)}</code></li>
        <li>Backend in production (JSON on stdout): <code>journalctl -u gatehouse-backend -o cat | jq -c 'select(.request_id == "{id}")'</code></li>
        <li>Gateway on Cloudflare: <code>npx wrangler tail gatehouse-gateway --format json --search {id}</code></li>
      </ul>
      <h2>Payments rows written under this id</h2>
      <Rows what="purchases" head={['purchase', 'status', 'created']} rows={rows.purchases.map((p) => [p.id, p.status, p.created_at])} />
      <Rows what="refunds" head={['refund', 'purchase', 'status', 'created']} rows={rows.refunds.map((r) => [r.id, r.purchase_id, r.status, r.created_at])} />
      <Rows what="webhook events" head={['event', 'type', 'outcome', 'received']} rows={rows.webhook_events.map((e) => [e.id, e.type, e.outcome, e.received_at])} />
      <Rows what="outbox messages" head={['message', 'topic', 'state', 'created']} rows={rows.outbox_messages.map((m) => [m.id, m.topic, m.state, m.created_at])} />
      <p>A purchase's settlement arrives in a later request (the webhook delivery, or a recovery run): find it by the purchase id, <code>{"select id, type, outcome, request_id from webhook_events where payload #>> '{data,object,metadata,purchase_id}' = '<purchase id>';"}</code></p>
      <p><a href="/ops">Back to the dashboard</a></p>
    </Layout>
  );
}
