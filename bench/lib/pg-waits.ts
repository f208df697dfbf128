import type postgres from 'postgres';

/** How often the sampler looks: often enough to catch waits of a few ms in aggregate over a run. */
const SAMPLE_EVERY_MS = 50;

/**
 * Samples pg_stat_activity of one database while a run goes on and counts what its sessions were
 * doing (`active`, `idle in transaction`, waiting on `Lock:advisory`, …): a lock that serializes
 * the workload shows up as many samples waiting on it.
 */
export function sampleWaits(sql: postgres.Sql, database: string) {
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await sql<
        { what: string }[]
      >`select state || coalesce(' / ' || wait_event_type || ':' || wait_event, '') as what
        from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid() and state <> 'idle'`;
      samples++;
      for (const r of rows) counts.set(r.what, (counts.get(r.what) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
    }
  })();
  return {
    /** Stops and returns the mean number of sessions in each state, busiest first. */
    async stop(): Promise<[string, number][]> {
      running = false;
      await loop;
      return [...counts].map(([k, n]): [string, number] => [k, n / Math.max(samples, 1)]).sort((a, b) => b[1] - a[1]);
    },
  };
}
