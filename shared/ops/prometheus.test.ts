import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sumOf } from './prom-text.ts';
import { Counter, Gauge, Histogram, PROMETHEUS_CONTENT_TYPE, Registry } from './prometheus.ts';

const lines = (r: Registry) => r.render().split('\n');

describe('Prometheus text renderer', () => {
  it('escapes backslash, double quote and line feed in label values, backslash and line feed in HELP', () => {
    const c = new Counter({ name: 't_total', help: 'a \\ b\nc "d"', labelNames: ['v'] });
    c.inc({ v: 'back\\slash "quoted"\nnext line' });
    const text = new Registry([c]).render();
    expect(text).toBe(
      [
        '# HELP t_total a \\\\ b\\nc "d"',
        '# TYPE t_total counter',
        't_total{v="back\\\\slash \\"quoted\\"\\nnext line"} 1',
        '',
      ].join('\n'),
    );
    // The strict parser reads the original value back.
    expect(parsePrometheusText(text).samples[0].labels.v).toBe('back\\slash "quoted"\nnext line');
  });

  it('renders histogram buckets cumulatively, le inclusive, with +Inf, _sum and _count per series', () => {
    const h = new Histogram({ name: 't_seconds', help: 'h', labelNames: ['route'], buckets: [0.1, 0.5, 1] });
    for (const v of [0.05, 0.1, 0.3, 0.5, 2, 7]) h.labels('/a').observe(v);
    h.labels('/b').observe(0.7);
    expect(lines(new Registry([h]))).toEqual([
      '# HELP t_seconds h',
      '# TYPE t_seconds histogram',
      't_seconds_bucket{le="0.1",route="/a"} 2',
      't_seconds_bucket{le="0.5",route="/a"} 4',
      't_seconds_bucket{le="1",route="/a"} 4',
      't_seconds_bucket{le="+Inf",route="/a"} 6',
      't_seconds_sum{route="/a"} 9.95',
      't_seconds_count{route="/a"} 6',
      't_seconds_bucket{le="0.1",route="/b"} 0',
      't_seconds_bucket{le="0.5",route="/b"} 0',
      't_seconds_bucket{le="1",route="/b"} 1',
      't_seconds_bucket{le="+Inf",route="/b"} 1',
      't_seconds_sum{route="/b"} 0.7',
      't_seconds_count{route="/b"} 1',
      '',
    ]);
  });

  it('prints HELP and TYPE for a family with no series yet; unlabelled metrics read 0 from the start', () => {
    const r = new Registry([
      new Counter({ name: 'empty_total', help: 'none yet', labelNames: ['a'] }),
      new Counter({ name: 'zero_total', help: 'z' }),
      new Gauge({ name: 'zero_gauge', help: 'g' }),
      new Histogram({ name: 'zero_seconds', help: 'h', buckets: [1] }),
    ]);
    expect(lines(r)).toEqual([
      '# HELP empty_total none yet',
      '# TYPE empty_total counter',
      '# HELP zero_total z',
      '# TYPE zero_total counter',
      'zero_total 0',
      '# HELP zero_gauge g',
      '# TYPE zero_gauge gauge',
      'zero_gauge 0',
      '# HELP zero_seconds h',
      '# TYPE zero_seconds histogram',
      'zero_seconds_bucket{le="1"} 0',
      'zero_seconds_bucket{le="+Inf"} 0',
      'zero_seconds_sum 0',
      'zero_seconds_count 0',
      '',
    ]);
  });

  it('writes labels in labelNames order whatever the object order, series in the order first used', () => {
    const c = new Counter({ name: 'o_total', help: 'o', labelNames: ['policy', 'source', 'decision'] });
    c.inc({ decision: 'limited', policy: 'p2', source: 'redis' });
    c.inc({ source: 'redis', decision: 'allowed', policy: 'p1' }, 2);
    c.labels('p2', 'redis', 'limited').inc();
    expect(lines(new Registry([c])).slice(2)).toEqual([
      'o_total{policy="p2",source="redis",decision="limited"} 2',
      'o_total{policy="p1",source="redis",decision="allowed"} 2',
      '',
    ]);
  });

  it('hands out one series per label values, so hot paths can keep it', () => {
    const c = new Counter({ name: 's_total', help: 's', labelNames: ['a', 'b'] });
    const s = c.labels('x', 'y');
    expect(c.labels('x', 'y')).toBe(s);
    expect(c.labels('x', 'z')).not.toBe(s);
    // Values that would collide if joined into one key stay apart.
    expect(c.labels('x|y', '')).not.toBe(c.labels('x', 'y|'));
    s.inc();
    s.inc(4);
    expect(sumOf(parsePrometheusText(new Registry([c]).render()).samples, 's_total', { a: 'x', b: 'y' })).toBe(5);
  });

  it('gauges go up, down, are set, and reset drops their series', () => {
    const g = new Gauge({ name: 'g', help: 'g', labelNames: ['k'] });
    g.inc({ k: 'a' });
    g.inc({ k: 'a' }, 2);
    g.dec({ k: 'a' });
    g.set({ k: 'b' }, -1.5);
    expect(lines(new Registry([g])).slice(2)).toEqual(['g{k="a"} 2', 'g{k="b"} -1.5', '']);
    g.reset();
    g.set({ k: 'c' }, 3);
    expect(lines(new Registry([g])).slice(2)).toEqual(['g{k="c"} 3', '']);
    const u = new Gauge({ name: 'u', help: 'u' });
    u.set(Number.POSITIVE_INFINITY);
    expect(lines(new Registry([u]))[2]).toBe('u +Inf');
    u.set(Number.NaN);
    expect(lines(new Registry([u]))[2]).toBe('u NaN');
    u.set(Number.NEGATIVE_INFINITY);
    expect(lines(new Registry([u]))[2]).toBe('u -Inf');
  });

  it('refuses what Prometheus would refuse, when the metric is made or first used', () => {
    expect(() => new Counter({ name: 'bad-name', help: '' })).toThrow(/bad metric name/);
    expect(() => new Counter({ name: 'x', help: '', labelNames: ['bad-label'] })).toThrow(/bad label name/);
    expect(() => new Counter({ name: 'x', help: '', labelNames: ['__reserved'] })).toThrow(/bad label name/);
    expect(() => new Counter({ name: 'x', help: '', labelNames: ['a', 'a'] })).toThrow(/repeated/);
    expect(() => new Histogram({ name: 'x', help: '', labelNames: ['le'], buckets: [1] })).toThrow(/le/);
    expect(() => new Histogram({ name: 'x', help: '', buckets: [1, 1] })).toThrow(/increasing/);
    expect(() => new Histogram({ name: 'x', help: '', buckets: [1, Number.POSITIVE_INFINITY] })).toThrow(/finite/);
    const c = new Counter({ name: 'c_total', help: '', labelNames: ['a', 'b'] });
    expect(() => c.labels('only-one')).toThrow(/2 label values expected, got 1/);
    expect(() => c.inc({ a: 'x' } as never)).toThrow(/strings/);
    const r = new Registry([c]);
    expect(() => r.register(new Counter({ name: 'c_total', help: '' }))).toThrow(/registered twice/);
    // A refused first use leaves no series behind.
    expect(lines(r).slice(2)).toEqual(['']);
    expect(() => c.labels('x', 'y').inc(-1)).toThrow(/only goes up/);
    expect(() => c.labels('x', 'y').inc(Number.NaN)).toThrow(/only goes up/);
    expect(lines(r).slice(2)).toEqual(['c_total{a="x",b="y"} 0', '']);
  });

  it('renders families in registration order as text the strict parser accepts', () => {
    const r = new Registry();
    const a = r.register(new Counter({ name: 'a_total', help: 'a', labelNames: ['x'] }));
    const b = r.register(new Gauge({ name: 'b', help: 'b' }));
    const h = r.register(new Histogram({ name: 'c_seconds', help: 'c', labelNames: ['x'], buckets: [0.001, 0.25] }));
    a.inc({ x: 'é ✓' });
    b.set(0.1 + 0.2);
    h.labels('1').observe(0.001);
    const { families, samples } = parsePrometheusText(r.render());
    expect([...families.keys()]).toEqual(['a_total', 'b', 'c_seconds']);
    expect([...families.values()].map((f) => f.type)).toEqual(['counter', 'gauge', 'histogram']);
    expect(sumOf(samples, 'b')).toBeCloseTo(0.3);
    expect(sumOf(samples, 'c_seconds_bucket', { le: '0.001' })).toBe(1);
    expect(PROMETHEUS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});
