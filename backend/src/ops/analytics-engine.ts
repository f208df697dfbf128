import { BLOBS, eventCounts, fromRow } from '../../../shared/ops/gateway-events.ts';
import type { Env } from '../env.ts';
import type { GatewayWindow } from './gateway-source.ts';

const SQL_TIMEOUT_MS = 5_000;

/**
 * The one query behind every gateway panel: data points of the window, grouped by all their blobs.
 * @internal exported for its tests
 */
export function analyticsEngineSql(dataset: string, minutes: number): string {
  const blobs = BLOBS.map((_, i) => `blob${i + 1}`).join(', ');
  // _sample_interval: Analytics Engine samples under load; each kept point stands for that many.
  return `SELECT ${blobs}, SUM(_sample_interval) AS n FROM ${dataset} WHERE timestamp > NOW() - INTERVAL '${Math.floor(minutes)}' MINUTE GROUP BY ${blobs} FORMAT JSON`;
}

/** Folds SQL rows into the exposition's series (the same names the local scrape yields). */
function countsFromRows(rows: Record<string, string | number>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const n = Number(row.n ?? 0);
    for (const k of eventCounts(fromRow(row), true)) counts.set(k, (counts.get(k) ?? 0) + n);
  }
  return counts;
}

/**
 * Reads the gateway's data points through the Analytics Engine SQL API
 * (`POST /client/v4/accounts/{account}/analytics_engine/sql`, bearer API token with Account
 * Analytics read). `ANALYTICS_ENGINE_SQL_URL` overrides the endpoint (tests, proxies).
 */
export async function analyticsEngineCounts(
  env: Pick<
    Env,
    | 'ANALYTICS_ENGINE_ACCOUNT_ID'
    | 'ANALYTICS_ENGINE_API_TOKEN'
    | 'ANALYTICS_ENGINE_DATASET'
    | 'ANALYTICS_ENGINE_SQL_URL'
  >,
  minutes: number,
): Promise<GatewayWindow> {
  const url =
    env.ANALYTICS_ENGINE_SQL_URL ??
    `https://api.cloudflare.com/client/v4/accounts/${env.ANALYTICS_ENGINE_ACCOUNT_ID}/analytics_engine/sql`;
  const empty: GatewayWindow = {
    source: 'analytics_engine',
    counts: new Map(),
    gauges: new Map(),
    circuitOpenSeconds: null,
    ageSeconds: null,
  };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.ANALYTICS_ENGINE_API_TOKEN}` },
      body: analyticsEngineSql(env.ANALYTICS_ENGINE_DATASET, minutes),
      signal: AbortSignal.timeout(SQL_TIMEOUT_MS),
    });
    if (!res.ok) return { ...empty, error: `Analytics Engine SQL API answered ${res.status}` };
    const body = (await res.json()) as { data?: Record<string, string | number>[] };
    return { ...empty, counts: countsFromRows(body.data ?? []), ageSeconds: 0 };
  } catch (e) {
    return { ...empty, error: (e as Error).message };
  }
}
