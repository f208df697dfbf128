/**
 * Runs tasks that share a key one at a time, in arrival order, within this process; tasks with
 * different keys run concurrently. `serializable()` uses it for its lanes.
 *
 * @example
 * const queue = oneAtATime();
 * await queue('ledger', () => postSomething());
 */
export function oneAtATime() {
  /** The last task queued per key; dropped when that task ends, so idle keys cost nothing. */
  const tails = new Map<string, Promise<void>>();
  return async function run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = tails.get(key);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    const tail = before ? before.then(() => mine) : mine;
    tails.set(key, tail);
    try {
      if (before) await before;
      return await task();
    } finally {
      done();
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
