import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsePrometheusText } from '../../../shared/ops/prom-text.ts';
import { gatewayRegistry } from '../../../gateway/src/metrics/registry.ts';
import { METRICS_PATH } from '../../../gateway/src/pipeline/metrics/index.ts';
import { registry } from './metrics.ts';
import './payments-state.ts'; // registers the state gauges

/** `promtool` from PATH, or PROMTOOL (e.g. extracted from Debian's prometheus package). */
function findPromtool(): string | undefined {
  if (process.env.PROMTOOL) return process.env.PROMTOOL;
  const r = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
const promtool = findPromtool();

const backendFamilies = new Set(parsePrometheusText(registry.render()).families.keys());
const gatewayFamilies = new Set(parsePrometheusText(gatewayRegistry.render()).families.keys());
const known = new Set([...backendFamilies, ...gatewayFamilies]);
const grafana = readFileSync('ops/grafana/gatehouse.json', 'utf8');
const referenced = new Set(
  [...grafana.matchAll(/gatehouse_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')),
);

describe('ops/prometheus.yml and ops/grafana/gatehouse.json stay in step with the code', () => {
  it('every metric the dashboard queries exists (backend registry or gateway exposition)', () => {
    expect([...referenced].filter((n) => !known.has(n))).toEqual([]);
  });

  it('every metric the code exports has a Grafana panel', () => {
    expect([...known].filter((n) => !referenced.has(n))).toEqual([]);
  });

  it('the scrape config names both processes at their metrics paths', () => {
    const cfg = parse(readFileSync('ops/prometheus.yml', 'utf8')) as {
      scrape_configs: { job_name: string; metrics_path: string }[];
    };
    expect(Object.fromEntries(cfg.scrape_configs.map((s) => [s.job_name, s.metrics_path]))).toEqual({
      'gatehouse-backend': '/metrics',
      'gatehouse-gateway': METRICS_PATH,
    });
  });

  it.skipIf(!promtool)(
    'promtool accepts prometheus.yml (skipped when promtool is missing: apt-get install prometheus, or PROMTOOL=path)',
    () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-promtool-'));
      copyFileSync('ops/prometheus.yml', path.join(dir, 'prometheus.yml'));
      mkdirSync(path.join(dir, 'secrets'));
      for (const f of ['gatehouse-backend.token', 'gatehouse-gateway.token'])
        writeFileSync(path.join(dir, 'secrets', f), 'token\n');
      const out = execFileSync(promtool!, ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' });
      expect(out).toMatch(/SUCCESS/);
    },
  );
});
