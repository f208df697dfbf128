import type { Check } from './types.ts';
import type { LocalStack } from './local-stack.ts';

export interface GateOptions {
  target?: string;
  reportDir: string;
  rate: number;
  seconds: number;
  count: number;
  only?: string[];
  baseline?: string;
  window?: string;
  acceptLocalRestart?: string;
  rulesDir?: string;
  inject: string[];
}

export interface GateContext {
  opts: GateOptions;
  /** The edge: every check goes through the gateway, as users do. */
  gatewayUrl: string;
  /** Present when the gate started the stack itself (process control, fault injection). */
  local?: LocalStack;
  /** Headers that make a request come from the QA range (only where the deployment trusts them). */
  qaHeaders: Record<string, string>;
  startedAt: Date;
  progress(message: string): void;
  /** Request ids of failed golden-path requests, for the report. */
  failedRequestIds: string[];
  /** Backend kills the restart scenario made on purpose (their in-flight requests answer 502 at the edge). */
  intentionalKills: number;
}

/** fetch through the gateway with the QA source headers; keeps the request id of a non-2xx answer. */
export async function edgeFetch(ctx: GateContext, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  for (const [k, v] of Object.entries(ctx.qaHeaders)) if (!headers.has(k)) headers.set(k, v);
  const res = await fetch(`${ctx.gatewayUrl}${path}`, { ...init, headers, redirect: 'manual' });
  if (res.status >= 400) {
    const id = res.headers.get('x-request-id');
    if (id) ctx.failedRequestIds.push(id);
  }
  return res;
}

/** Runs `fn`, turning a thrown error into a failed check (the gate reports, it does not crash). */
export async function guarded(name: string, fn: () => Promise<Check | Check[]>): Promise<Check[]> {
  try {
    const r = await fn();
    return Array.isArray(r) ? r : [r];
  } catch (e) {
    return [{ name, verdict: 'fail', evidence: `error: ${(e as Error).message}` }];
  }
}
