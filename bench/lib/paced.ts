import http from 'node:http';
import { summarize } from './percentiles.ts';
import type { LoadResult } from './load.ts';

/**
 * Open-loop load at a steady rate: request i is due at `start + i / rate`, whether or not earlier
 * ones have answered, and its latency counts from that due time (a request waiting for a free
 * connection is late, and the wait is part of its latency: no coordinated omission).
 *
 * Why not autocannon's `overallRate`: autocannon gives each connection rate/connections requests
 * per second and lets every connection fire its share back to back when the second starts, so
 * "100 req/s over 10 connections" is ten-deep bursts every second and measures latency at full
 * concurrency, not at 100 req/s.
 */
export async function runPaced(opts: {
  name: string;
  baseUrl: string;
  paths: string[];
  seconds: number;
  rate: number;
  connections: number;
  headers?: Record<string, string>;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const url = new URL(opts.baseUrl);
  const total = Math.round(opts.seconds * opts.rate);
  const samples: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const one = (path: string, due: number) =>
    new Promise<void>((resolve) => {
      const req = http.get({ host: url.hostname, port: url.port, path, agent, headers: opts.headers }, (res) => {
        res.resume();
        res.on('end', () => {
          samples.push(performance.now() - due);
          if (res.statusCode! < 200 || res.statusCode! > 299) non2xx++;
          resolve();
        });
      });
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors++;
        resolve();
      });
    });
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(one(opts.paths[i % opts.paths.length], due));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { name: opts.name, ...summarize(samples), rps: Math.round(samples.length / seconds), non2xx, errors };
}
