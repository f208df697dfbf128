import type { ChildProcess } from 'node:child_process';
import { waitReady as pollReady } from '../../scripts/lib/wait-ready.ts';

export { freePort } from '../../scripts/lib/free-port.ts';

/** Polls `url`/readyz until it answers 2xx; fails early when `proc` exits (scripts/lib/wait-ready.ts). */
export function waitReady(url: string, proc: ChildProcess, timeoutMs = 60_000): Promise<void> {
  return pollReady(`${url}/readyz`, proc, { name: 'backend', timeoutMs, intervalMs: 100 });
}
