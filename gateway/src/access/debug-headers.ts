import type { ClientClass } from '../env.ts';
import type { Verdict } from '../waf/types.ts';

/** Response headers that explain the WAF's decision; only clients granted `debug_headers` see them. */
const DEBUG_HEADERS = ['x-waf-verdict', 'x-waf-rules', 'x-waf-score', 'x-client-class'] as const;

/**
 * Removes every debug header (an upstream or another stage may have set one), then, when `show`,
 * sets them from the verdict. `X-Waf-Verdict: none` means the WAF did not run for this request.
 */
export function applyDebugHeaders(
  headers: Headers,
  show: boolean,
  verdict: Verdict | undefined,
  clientClass: ClientClass,
): void {
  for (const h of DEBUG_HEADERS) headers.delete(h);
  if (!show) return;
  headers.set('x-client-class', clientClass);
  if (!verdict) {
    headers.set('x-waf-verdict', 'none');
    return;
  }
  headers.set(
    'x-waf-verdict',
    verdict.wouldBlock && verdict.action !== 'block' ? `${verdict.action}; would-block` : verdict.action,
  );
  headers.set('x-waf-rules', [...new Set(verdict.matches.map((m) => m.ruleId))].join(', ') || '-');
  headers.set('x-waf-score', `${verdict.score}/${verdict.threshold}`);
}
