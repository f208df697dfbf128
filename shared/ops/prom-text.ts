/**
 * A strict parser of the Prometheus text exposition format (0.0.4): what the backend's scraper of
 * the gateway and the tests read `/metrics` and `/__gateway/metrics` with. It refuses what
 * Prometheus would refuse (bad names, bad escapes, unparsable values, samples of a family after
 * another family started, duplicate series) instead of guessing. No runtime dependencies: it also
 * runs inside workerd.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
}
export interface Exposition {
  families: Map<string, Family>;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

function parseValue(s: string, line: number): number {
  if (s === '+Inf' || s === 'Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  if (s === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s))
    throw new Error(`line ${line}: bad value ${JSON.stringify(s)}`);
  return Number(s);
}

function parseLabels(s: string, line: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = 1;
  while (true) {
    while (s[i] === ' ') i++;
    if (s[i] === '}') return [labels, i + 1];
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: label without =`);
    const name = s.slice(i, eq).trim();
    if (!LABEL_NAME.test(name)) throw new Error(`line ${line}: bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new Error(`line ${line}: label ${name} repeated`);
    if (s[eq + 1] !== '"') throw new Error(`line ${line}: label value must be quoted`);
    let v = '';
    let j = eq + 2;
    for (; j < s.length && s[j] !== '"'; j++) {
      if (s[j] !== '\\') {
        v += s[j];
        continue;
      }
      const n = s[++j];
      if (n === 'n') v += '\n';
      else if (n === '\\' || n === '"') v += n;
      else throw new Error(`line ${line}: bad escape \\${n}`);
    }
    if (j >= s.length) throw new Error(`line ${line}: unterminated label value`);
    labels[name] = v;
    i = j + 1;
    while (s[i] === ' ') i++;
    if (s[i] === ',') i++;
    else if (s[i] !== '}') throw new Error(`line ${line}: expected , or }`);
  }
}

function familyOf(sample: string, families: Map<string, Family>): string {
  if (families.has(sample)) return sample;
  for (const suf of SUFFIXES)
    if (sample.endsWith(suf) && families.has(sample.slice(0, -suf.length))) return sample.slice(0, -suf.length);
  return sample;
}

export function parsePrometheusText(text: string): Exposition {
  const families = new Map<string, Family>();
  const samples: Sample[] = [];
  const seen = new Set<string>();
  const closed = new Set<string>();
  const typed = new Set<string>();
  let current = '';
  text.split('\n').forEach((raw, idx) => {
    const line = idx + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(raw);
      if (!m) return; // an ordinary comment
      const [, kind, name, rest = ''] = m;
      if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`);
      const f = families.get(name) ?? { name, type: 'untyped' as const };
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${line}: bad type ${rest}`);
        if (typed.has(name)) throw new Error(`line ${line}: second TYPE for ${name}`);
        typed.add(name);
        f.type = rest as Family['type'];
      } else f.help = rest;
      families.set(name, f);
      return;
    }
    const nameEnd = raw.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`line ${line}: not a sample`);
    const name = raw.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`);
    let labels: Record<string, string> = {};
    let rest = raw.slice(nameEnd);
    if (rest.startsWith('{')) {
      const [l, end] = parseLabels(rest, line);
      labels = l;
      rest = rest.slice(end);
    }
    const parts = rest.trim().split(/\s+/);
    if (parts.length < 1 || parts.length > 2 || parts[0] === '')
      throw new Error(`line ${line}: expected value [timestamp]`);
    const value = parseValue(parts[0], line);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`line ${line}: bad timestamp`);
    const family = familyOf(name, families);
    if (family !== current) {
      if (closed.has(family)) throw new Error(`line ${line}: samples of ${family} are not grouped together`);
      if (current) closed.add(current);
      current = family;
    }
    const type = families.get(family)?.type;
    if (type === 'histogram' && name.endsWith('_bucket') && labels.le === undefined)
      throw new Error(`line ${line}: histogram bucket without le`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`line ${line}: duplicate series ${name}`);
    seen.add(key);
    samples.push({ name, labels, value });
  });
  return { families, samples };
}

/**
 * Sum of the samples named `name` whose labels include `match`.
 * @internal exported for its tests
 */
export function sumOf(samples: readonly Sample[], name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const s of samples)
    if (s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
  return total;
}
