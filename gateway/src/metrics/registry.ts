import { Registry } from '../../../shared/ops/prometheus.ts';
import { eventMetrics } from './exposition.ts';
import { rateLimitMetrics } from '../ratelimit/metrics.ts';
import { wafMetrics } from '../waf/events.ts';

/** Everything `GET /__gateway/metrics` serves: this isolate's rate-limit, WAF and request-event families. */
export const gatewayRegistry = new Registry([...rateLimitMetrics, ...wafMetrics, ...eventMetrics]);
