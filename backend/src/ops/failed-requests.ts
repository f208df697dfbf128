/** The last failing (5xx) requests of this process, for the dashboard's "recent failures" panel. */
export interface FailedRequest {
  requestId: string;
  route: string;
  status: number;
  at: string;
}

/** Enough to find today's incident; older ones are in the logs. */
const KEEP = 50;
const recent: FailedRequest[] = [];

export function recordFailure(f: FailedRequest): void {
  recent.unshift(f);
  if (recent.length > KEEP) recent.length = KEEP;
}

export function recentFailures(): FailedRequest[] {
  return [...recent];
}
