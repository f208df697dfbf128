import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds used by named groups of processes between `start()` and `stop()`: where a run's CPU
 * went (benchmark driver, backends, gateways, Postgres), so a bench can tell "the backend is the
 * bottleneck" from "the machine is". Groups are re-listed at stop, so processes that appeared
 * meanwhile (a new Postgres connection) count from zero.
 */
export function cpuMeter(groups: Record<string, () => number[] | Promise<number[]>>) {
  let before = new Map<string, Map<number, number>>();
  const snapshot = async () => {
    const out = new Map<string, Map<number, number>>();
    for (const [name, list] of Object.entries(groups))
      out.set(name, new Map((await list()).map((p) => [p, cpuSecondsOf(p)])));
    return out;
  };
  return {
    async start() {
      before = await snapshot();
    },
    async stop(): Promise<Record<string, number>> {
      const after = await snapshot();
      const out: Record<string, number> = {};
      for (const [name, pids] of after) {
        let sum = 0;
        for (const [pid, s] of pids) sum += s - (before.get(name)?.get(pid) ?? 0);
        out[name] = sum;
      }
      return out;
    },
  };
}
