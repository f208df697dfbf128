import type { ChildProcess } from 'node:child_process';

export interface WaitReadyOptions {
  /** What is starting, for the error messages ("backend", "gateway"). */
  name: string;
  timeoutMs?: number;
  /** Pause between attempts; each attempt itself gives up after one second. */
  intervalMs?: number;
  /** Any HTTP answer counts (the server listens), not only 2xx: for a probe path nothing routes. */
  anyStatus?: boolean;
}

/**
 * Polls `url` until it answers 2xx (or anything, with `anyStatus`), failing at once if `child` exits
 * first and after `timeoutMs`. The one readiness poll for `npm start`, `npm run gateway`, the e2e
 * stack and the benchmarks.
 */
export async function waitReady(url: string, child: ChildProcess, opts: WaitReadyOptions): Promise<void> {
  const { name, timeoutMs = 60_000, intervalMs = 150, anyStatus = false } = opts;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} during start`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await r.body?.cancel();
      if (anyStatus || r.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${name} not ready at ${url} within ${Math.round(timeoutMs / 1000)} s`);
}
