/** The gate's outputs: the terminal table, gate-report.json and a self-contained gate-report.html. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GateReport, LineResult, Verdict } from './types.ts';

const MARK: Record<Verdict, string> = { pass: 'PASS', fail: 'FAIL', amber: 'AMBER', unchecked: 'NOT CHECKED' };
const COLOR: Record<Verdict, string> = { pass: '#1a7f37', fail: '#cf222e', amber: '#9a6700', unchecked: '#6e7781' };

/** Failing lines first, then the rest in their order. */
function ordered(lines: LineResult[]): LineResult[] {
  const rank = (v: Verdict) => ({ fail: 0, unchecked: 1, amber: 2, pass: 3 })[v];
  return [...lines].sort((a, b) => rank(a.verdict) - rank(b.verdict));
}

export function formatTable(report: GateReport): string {
  const out: string[] = [];
  for (const l of ordered(report.lines)) {
    out.push(`\n${MARK[l.verdict].padEnd(11)} ${l.line} (${(l.ms / 1000).toFixed(1)} s)`);
    for (const c of l.checks) {
      out.push(`  ${MARK[c.verdict].padEnd(11)} ${c.name}: ${c.evidence}`);
      if (c.requestIds?.length) out.push(`              request ids: ${c.requestIds.join(', ')}`);
      if (c.screenshots?.length) out.push(`              screenshot: ${c.screenshots.join(', ')}`);
    }
  }
  for (const n of report.notes) out.push(`\nnote: ${n}`);
  const failing = ordered(report.lines).filter((l) => l.verdict === 'fail' || l.verdict === 'unchecked');
  out.push(
    `\n${report.verdict}${failing.length ? ` — failing: ${failing.map((l) => l.line).join(', ')}` : ''} (commit ${report.commit}, target ${report.target})`,
  );
  return out.join('\n');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function renderHtml(report: GateReport): string {
  const lights = report.lines
    .map(
      (l) =>
        `<a class="light" href="#${l.line}"><span class="dot" style="background:${COLOR[l.verdict]}"></span>${esc(l.line)}<small>${MARK[l.verdict]}</small></a>`,
    )
    .join('');
  const details = ordered(report.lines)
    .map(
      (l) =>
        `<details id="${l.line}"${l.verdict === 'pass' ? '' : ' open'}><summary><span class="dot" style="background:${COLOR[l.verdict]}"></span>${esc(l.line)} — ${MARK[l.verdict]}</summary><table><tr><th>check</th><th>verdict</th><th>evidence</th></tr>${l.checks
          .map(
            (c) =>
              `<tr><td>${esc(c.name)}</td><td style="color:${COLOR[c.verdict]}">${MARK[c.verdict]}</td><td>${esc(c.evidence)}${c.requestIds?.length ? `<br><small>request ids: ${esc(c.requestIds.join(', '))}</small>` : ''}${c.screenshots?.length ? `<br><small>screenshot: ${esc(c.screenshots.join(', '))}</small>` : ''}</td></tr>`,
          )
          .join('')}</table></details>`,
    )
    .join('');
  const verdictColor = report.verdict === 'GO' ? COLOR.pass : COLOR.fail;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Launch gate: ${report.verdict}</title><style>
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1.5rem;color:#1f2328}
h1{margin:.2rem 0}.verdict{font-size:2.5rem;font-weight:700;color:${verdictColor}}
.lights{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}.light{display:flex;flex-direction:column;align-items:center;padding:1rem;border:1px solid #d0d7de;border-radius:8px;min-width:9rem;text-decoration:none;color:inherit}
.dot{display:inline-block;width:1.6rem;height:1.6rem;border-radius:50%;margin:.2rem .5rem}.light .dot{width:3rem;height:3rem}
details{border:1px solid #d0d7de;border-radius:8px;margin:.6rem 0;padding:.4rem .8rem}summary{cursor:pointer;font-weight:600;display:flex;align-items:center}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;border-top:1px solid #d0d7de;padding:.3rem;vertical-align:top}
</style></head><body><main><h1>Launch gate</h1><p class="verdict">${report.verdict}</p><p>commit ${esc(report.commit)} · target ${esc(report.target)} · ${esc(report.startedAt)} → ${esc(report.finishedAt)}</p><div class="lights">${lights}</div>${details}${report.notes.length ? `<h2>Notes</h2><ul>${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}</main></body></html>`;
}

export function writeReports(report: GateReport, dir: string): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'gate-report.json');
  const html = path.join(dir, 'gate-report.html');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(html, renderHtml(report));
  return { json, html };
}
