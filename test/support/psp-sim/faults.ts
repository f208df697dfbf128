/**
 * Fault injection knobs of the PSP simulator. Counters are consumed call by call; tests set them
 * through `sim.faults` and read what happened from `sim.stats`.
 */
export interface PspFaults {
  /** Answer the next N API calls with HTTP 500 `api_error` without doing anything. */
  failNext: number;
  /** Do the next N POST calls fully, then destroy the connection without answering (response lost). */
  dropResponseNext: number;
  /** Wait this long before handling each API call (ms). */
  delayMs: number;
  /** Deliver every webhook twice. */
  duplicateWebhooks: boolean;
  /** Hold webhooks and deliver each batch in reverse order (`flushWebhooks()` releases them). */
  reorderWebhooks: boolean;
  /** Stop delivering webhooks (events still queue; `flushWebhooks()` or turning this off sends them). */
  holdWebhooks: boolean;
}

export function defaultFaults(): PspFaults {
  return {
    failNext: 0,
    dropResponseNext: 0,
    delayMs: 0,
    duplicateWebhooks: false,
    reorderWebhooks: false,
    holdWebhooks: false,
  };
}
