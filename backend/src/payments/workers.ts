import type { AppDeps } from '../deps.ts';

/** Background work of the payments domain (outbox relay, recovery, purge); started by server.ts. */
export function startPaymentWorkers(deps: AppDeps): { stop(): Promise<void> } {
  void deps;
  return { stop: async () => {} };
}
