import autocannon from 'autocannon';
import { summarize, type LatencySummary } from './percentiles.ts';

export interface LoadResult extends LatencySummary {
  name: string;
  rps: number;
  non2xx: number;
  errors: number;
}

/**
 * One autocannon run cycling through `paths`. Latencies come from every response (our own
 * percentiles: autocannon's table has p97.5, not p95). `rate` unset = as fast as it goes.
 */
export async function runLoad(opts: {
  name: string;
  baseUrl: string;
  paths: string[];
  seconds: number;
  connections: number;
  rate?: number;
  headers?: Record<string, string>;
}): Promise<LoadResult> {
  const samples: number[] = [];
  let non2xx = 0;
  let next = 0;
  const instance = autocannon({
    url: opts.baseUrl,
    connections: opts.connections,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    headers: opts.headers,
    requests: [
      {
        method: 'GET',
        setupRequest(req: { path: string }) {
          req.path = opts.paths[next++ % opts.paths.length];
          return req;
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    samples.push(ms);
    if (status < 200 || status > 299) non2xx++;
  });
  const result = (await instance) as unknown as {
    errors: number;
    timeouts: number;
    duration: number;
    requests: { total: number };
  };
  const s = summarize(samples);
  return {
    name: opts.name,
    ...s,
    rps: Math.round(samples.length / result.duration),
    non2xx,
    errors: result.errors + result.timeouts,
  };
}
