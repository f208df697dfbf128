/**
 * Server-rendered SVG charts for the ops dashboard: no script, readable without JavaScript, each
 * with a text alternative (role="img" + aria-label) and the numbers in a table beside it.
 */

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export interface Line {
  name: string;
  values: number[];
  color: string;
}

/** Lines over the window (oldest left). */
export function LineChart(props: { lines: Line[]; label: string; width?: number; height?: number }) {
  const w = props.width ?? 560;
  const h = props.height ?? 140;
  const pad = 24;
  const n = Math.max(...props.lines.map((l) => l.values.length), 2);
  const max = Math.max(1, ...props.lines.flatMap((l) => l.values));
  const x = (i: number) => pad + (i * (w - 2 * pad)) / (n - 1);
  const y = (v: number) => h - pad - (v * (h - 2 * pad)) / max;
  const summary = props.lines.map((l) => `${l.name} total ${fmt(l.values.reduce((a, b) => a + b, 0))}`).join(', ');
  return (
    <svg class="chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${props.label}: ${summary}`}>
      <line x1={pad} y1={h - pad} x2={w - pad} y2={h - pad} stroke="#c5cbd3" />
      <text x={2} y={pad - 8} font-size="11" fill="#5b6573">
        {fmt(max)}
      </text>
      {props.lines.map((l) => (
        <polyline
          fill="none"
          stroke={l.color}
          stroke-width="2"
          points={l.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}
        />
      ))}
      {props.lines.map((l, i) => (
        <text x={pad + i * 120} y={h - 6} font-size="11" fill={l.color}>
          {l.name}
        </text>
      ))}
    </svg>
  );
}

export interface Bar {
  label: string;
  value: number;
  color?: string;
}

/** Horizontal bars with optional vertical markers (e.g. the 25 ms goal and the 120 ms gate). */
export function BarChart(props: {
  bars: Bar[];
  label: string;
  unit?: string;
  max?: number;
  markers?: { at: number; label: string; color: string }[];
}) {
  const w = 560;
  const row = 22;
  const left = 190;
  const h = Math.max(1, props.bars.length) * row + 22;
  const max = Math.max(1, props.max ?? 0, ...props.bars.map((b) => b.value), ...(props.markers ?? []).map((m) => m.at));
  const x = (v: number) => left + (v * (w - left - 50)) / max;
  const summary = props.bars.map((b) => `${b.label} ${fmt(b.value)}${props.unit ?? ''}`).join(', ') || 'no data';
  return (
    <svg class="chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${props.label}: ${summary}`}>
      {props.bars.map((b, i) => (
        <g>
          <text x={4} y={i * row + 15} font-size="12" fill="#1b1f24">
            {b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label}
          </text>
          <rect x={left} y={i * row + 4} width={Math.max(1, x(b.value) - left)} height={row - 8} fill={b.color ?? '#1f5fa8'} />
          <text x={x(b.value) + 4} y={i * row + 15} font-size="11" fill="#1b1f24">
            {`${fmt(b.value)}${props.unit ?? ''}`}
          </text>
        </g>
      ))}
      {(props.markers ?? []).map((m) => (
        <g>
          <line x1={x(m.at)} y1={0} x2={x(m.at)} y2={h - 16} stroke={m.color} stroke-dasharray="4 3" />
          <text x={x(m.at) - 10} y={h - 4} font-size="11" fill={m.color}>
            {m.label}
          </text>
        </g>
      ))}
    </svg>
  );
}
