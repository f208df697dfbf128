/**
 * Counts requests the server is answering so a graceful shutdown can wait for them. The count
 * covers the handler's work (payment phases, PSP calls), not the streaming of the body after it.
 */
export function trackInflight<A extends unknown[]>(fetch: (req: Request, ...rest: A) => Response | Promise<Response>) {
  let count = 0;
  let idle: (() => void)[] = [];
  const settle = () => {
    if (--count === 0) for (const wake of idle.splice(0)) wake();
  };
  return {
    async fetch(req: Request, ...rest: A): Promise<Response> {
      count++;
      try {
        return await fetch(req, ...rest);
      } finally {
        settle();
      }
    },
    count: () => count,
    /** Resolves true once no request is in flight, or false after `timeoutMs`. */
    drained(timeoutMs: number): Promise<boolean> {
      if (count === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          idle = idle.filter((w) => w !== wake);
          resolve(false);
        }, timeoutMs);
        const wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        idle.push(wake);
      });
    },
  };
}
