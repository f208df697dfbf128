import type { Context } from 'hono';
import type { AppDeps } from '../deps.ts';
import { ProblemError } from '../http/problem.ts';
import { LockLostError } from '../idempotency/atomic-phase.ts';
import { requestFingerprint } from '../idempotency/fingerprint.ts';
import {
  beginIdempotentRequest,
  type FirstPhase,
  type IdempotencyKeyRow,
  type Operation,
} from '../idempotency/key-store.ts';
import type { Outcome } from '../idempotency/phase-driver.ts';

/**
 * A double-clicked form sends its second copy while the first still runs. A browser shows only the
 * last answer, so the second copy waits for the first to finish (up to this long) and answers the
 * same, instead of a 409 page. Checkout creation takes one PSP round trip, well under this.
 */
const FORM_WAIT_MS = 10_000;
const FORM_POLL_MS = 100;

export interface FormRequest {
  userId: string;
  /** The form's hidden `idempotency_key` (checked with `readIdempotencyKey`). */
  key: string;
  operation: Operation;
  /** What the form asked for: the fingerprint covers it, so a reused key with another request is refused. */
  body: Record<string, unknown>;
  params: Record<string, unknown>;
  firstPhase?: FirstPhase;
}

/**
 * The API's idempotency discipline for a no-JavaScript form: the same DB-backed key store and
 * atomic phases, keyed by the form's hidden key; a replay answers what the first run answered.
 */
export async function idempotentForm(
  deps: AppDeps,
  c: Context,
  f: FormRequest,
  run: (key: IdempotencyKeyRow) => Promise<Outcome>,
): Promise<Outcome> {
  const deadline = Date.now() + FORM_WAIT_MS;
  for (;;) {
    try {
      const begun = await beginIdempotentRequest(
        deps.db,
        {
          userId: f.userId,
          key: f.key,
          operation: f.operation,
          lockTimeoutMs: deps.env.IDEMPOTENCY_LOCK_TIMEOUT_SECONDS * 1000,
          params: f.params,
          fingerprint: requestFingerprint('POST', c.req.path, f.body),
        },
        f.firstPhase,
      );
      if (begun.kind === 'replay') return { status: begun.status, body: begun.body };
      return await run(begun.key);
    } catch (e) {
      const busy = e instanceof LockLostError || (e instanceof ProblemError && e.code === 'IDEMPOTENCY_IN_PROGRESS');
      if (!busy || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, FORM_POLL_MS));
    }
  }
}
