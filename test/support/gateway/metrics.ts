import { gatewayRegistry } from '../../../gateway/src/metrics/registry.ts';
import { parsePrometheusText, sumOf } from '../../../shared/ops/prom-text.ts';

/** Sum of this isolate's `name` samples whose labels include `labels`, read from the text the metrics endpoint serves. */
export function gatewayMetric(name: string, labels: Record<string, string> = {}): number {
  return sumOf(parsePrometheusText(gatewayRegistry.render()).samples, name, labels);
}
