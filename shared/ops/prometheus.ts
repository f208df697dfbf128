/**
 * Counters, gauges and histograms in the Prometheus text exposition format (0.0.4): the one writer
 * behind the backend's `GET /metrics` and the gateway's `GET /__gateway/metrics`, read back by
 * `parsePrometheusText` (prom-text.ts). No dependencies and no Node APIs, so workerd runs it as well
 * as Node (prom-client needs nodejs_compat there).
 *
 * Hot paths hold a series (`metric.labels(...)`) or look one up by its label values through one Map
 * per label: counting builds no key string and hashes no label object. A series' label text is
 * escaped once, when the series is first used; rendering happens only at scrape time.
 *
 * @example
 * const registry = new Registry();
 * const hits = registry.register(new Counter({ name: 'app_hits_total', help: 'Hits.', labelNames: ['route'] }));
 * const home = hits.labels('/');   // keep it where the counting is hot
 * home.inc();
 * hits.inc({ route: '/about' });
 * new Response(registry.render(), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE } });
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type Labels<L extends string> = Readonly<Record<L, string>>;

interface MetricOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/** Sample values as the format spells them (`+Inf`, `-Inf`, `NaN`; JavaScript's own digits otherwise). */
function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

/** Label values escape backslash, double quote and line feed; HELP text only backslash and line feed. */
const escapeLabelValue = (v: string) => v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
const escapeHelp = (v: string) => v.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));

/** One family: its name, HELP, TYPE and label names, and its series in the order they were first used. */
abstract class Metric<L extends string, S> {
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  protected series: S[] = [];
  /** Label values → series, one Map level per label name (the last level holds the series). */
  private tree = new Map<string, unknown>();

  constructor(o: MetricOptions<L>) {
    this.name = o.name;
    this.help = o.help;
    this.labelNames = o.labelNames ?? [];
    if (!METRIC_NAME.test(o.name)) throw new Error(`bad metric name ${JSON.stringify(o.name)}`);
    for (const l of this.labelNames)
      if (!LABEL_NAME.test(l) || l.startsWith('__')) throw new Error(`${o.name}: bad label name ${JSON.stringify(l)}`);
    if (new Set(this.labelNames).size !== this.labelNames.length) throw new Error(`${o.name}: label name repeated`);
  }

  /** Makes a series; `labels` is its escaped label text without braces (`a="x",b="y"`, or '' when unlabelled). */
  protected abstract create(labels: string): S;
  /** Appends this family's sample lines. */
  protected abstract samples(out: string[]): void;

  /** The series with these label values, in `labelNames` order, created on first use (`labels()` for an unlabelled metric). */
  labels(...values: string[]): S {
    const n = this.labelNames.length;
    if (values.length !== n) throw new Error(`${this.name}: ${n} label values expected, got ${values.length}`);
    let node = this.tree;
    for (let i = 0; i < n - 1; i++) {
      const next = node.get(values[i]) as Map<string, unknown> | undefined;
      if (!next) return this.add(values);
      node = next;
    }
    return (node.get(n === 0 ? '' : values[n - 1]) as S | undefined) ?? this.add(values);
  }

  /** The first use of these label values: checks them, files the new series under them, escapes its label text once. */
  private add(values: string[]): S {
    for (const v of values) if (typeof v !== 'string') throw new Error(`${this.name}: label values are strings`);
    const n = values.length;
    let node = this.tree;
    for (let i = 0; i < n - 1; i++) {
      let next = node.get(values[i]) as Map<string, unknown> | undefined;
      if (!next) node.set(values[i], (next = new Map()));
      node = next;
    }
    const s = this.create(this.labelNames.map((l, i) => `${l}="${escapeLabelValue(values[i])}"`).join(','));
    node.set(n === 0 ? '' : values[n - 1], s);
    this.series.push(s);
    return s;
  }

  /** The series for a labels object (its key order does not matter). */
  protected with(labels: Labels<L>): S {
    return this.labels(...this.labelNames.map((l) => labels[l]));
  }

  /** Drops every series (an unlabelled metric starts again from its zero series). */
  reset(): void {
    this.series = [];
    this.tree = new Map();
    if (this.labelNames.length === 0) this.labels();
  }

  /** Appends HELP, TYPE and the samples (Registry.render). */
  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    this.samples(out);
  }
}

const braces = (labels: string) => (labels ? `{${labels}}` : '');

class CounterSeries {
  value = 0;
  constructor(readonly labels: string) {}
  inc(by = 1): void {
    if (!(by >= 0)) throw new Error(`a counter only goes up (inc by ${by})`);
    this.value += by;
  }
}

/** A value that only goes up; a scraper takes rates and deltas of it. An unlabelled counter reads 0 from the start. */
export class Counter<L extends string = never> extends Metric<L, CounterSeries> {
  readonly type = 'counter';
  constructor(o: MetricOptions<L>) {
    super(o);
    this.reset();
  }
  protected create(labels: string) {
    return new CounterSeries(labels);
  }
  inc(labels: Labels<L>, by = 1): void {
    this.with(labels).inc(by);
  }
  protected samples(out: string[]): void {
    for (const s of this.series) out.push(`${this.name}${braces(s.labels)} ${formatValue(s.value)}`);
  }
}

class GaugeSeries {
  value = 0;
  constructor(readonly labels: string) {}
  inc(by = 1): void {
    this.value += by;
  }
  dec(by = 1): void {
    this.value -= by;
  }
  set(value: number): void {
    this.value = value;
  }
}

/** A value that goes up and down, or is set from a reading (e.g. right before a scrape renders it). */
export class Gauge<L extends string = never> extends Metric<L, GaugeSeries> {
  readonly type = 'gauge';
  constructor(o: MetricOptions<L>) {
    super(o);
    this.reset();
  }
  protected create(labels: string) {
    return new GaugeSeries(labels);
  }
  inc(labels: Labels<L>, by = 1): void {
    this.with(labels).inc(by);
  }
  dec(labels: Labels<L>, by = 1): void {
    this.with(labels).dec(by);
  }
  /** `set(value)` for an unlabelled gauge, `set(labels, value)` otherwise. */
  set(value: number): void;
  set(labels: Labels<L>, value: number): void;
  set(a: Labels<L> | number, b?: number): void {
    if (typeof a === 'number') this.labels().set(a);
    else this.with(a).set(b!);
  }
  protected samples(out: string[]): void {
    for (const s of this.series) out.push(`${this.name}${braces(s.labels)} ${formatValue(s.value)}`);
  }
}

class HistogramSeries {
  /** Observations per bucket, not cumulative (the +Inf bucket is `count`); rendering sums them up. */
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(
    readonly labels: string,
    private readonly bounds: readonly number[],
  ) {
    this.counts = bounds.map(() => 0);
  }
  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]) i++;
    if (i < b.length) this.counts[i]++;
    this.sum += value;
    this.count++;
  }
}

/** Observations counted into `le` buckets (upper bounds, inclusive), with their sum and count. */
export class Histogram<L extends string = never> extends Metric<L, HistogramSeries> {
  readonly type = 'histogram';
  private readonly buckets: readonly number[];
  private readonly le: string[];
  constructor(o: MetricOptions<L> & { buckets: readonly number[] }) {
    super(o);
    if ((this.labelNames as readonly string[]).includes('le')) throw new Error(`${o.name}: le is the bucket label`);
    if (!o.buckets.every((b, i) => Number.isFinite(b) && (i === 0 || b > o.buckets[i - 1])))
      throw new Error(`${o.name}: buckets must be finite and increasing`);
    this.buckets = [...o.buckets];
    this.le = this.buckets.map(formatValue);
    this.reset();
  }
  protected create(labels: string) {
    return new HistogramSeries(labels, this.buckets);
  }
  protected samples(out: string[]): void {
    for (const s of this.series) {
      const rest = s.labels ? `,${s.labels}` : '';
      let cumulative = 0;
      for (let i = 0; i < this.le.length; i++) {
        cumulative += s.counts[i];
        out.push(`${this.name}_bucket{le="${this.le[i]}"${rest}} ${cumulative}`);
      }
      out.push(
        `${this.name}_bucket{le="+Inf"${rest}} ${s.count}`,
        `${this.name}_sum${braces(s.labels)} ${formatValue(s.sum)}`,
        `${this.name}_count${braces(s.labels)} ${s.count}`,
      );
    }
  }
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

/** The families one endpoint serves, rendered in the order they were registered. */
export class Registry {
  private readonly metrics = new Map<string, AnyMetric>();

  constructor(metrics: readonly AnyMetric[] = []) {
    for (const m of metrics) this.register(m);
  }

  register<M extends AnyMetric>(metric: M): M {
    if (this.metrics.has(metric.name)) throw new Error(`metric ${metric.name} registered twice`);
    this.metrics.set(metric.name, metric);
    return metric;
  }

  /** The text exposition of every family; one with no series yet still shows its HELP and TYPE. */
  render(): string {
    const out: string[] = [];
    for (const m of this.metrics.values()) m.render(out);
    return `${out.join('\n')}\n`;
  }
}
