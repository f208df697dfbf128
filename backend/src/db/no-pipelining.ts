import type { Sql } from 'postgres';

/**
 * The postgres.js client as Drizzle gets it behind a transaction-mode pooler (DATABASE_PIPELINE=false):
 * nothing is ever sent on a connection before its last statement answered.
 *
 * postgres.js pipelines a statement behind one still running on a connection, and a pooler in
 * transaction mode (PgBouncer 1.18) gives the server back to its pool when a statement outside a
 * transaction ends, losing the answer to the one behind it: a query that never returns
 * (pgbouncer.test.ts). With `prepare: false` a statement with parameters waits for its parameter
 * description before anything else goes on its connection, and a transaction reserves its
 * connection; only a statement without parameters outside a transaction leaves its connection open
 * to a pipelined follower. Such statements run in a transaction of their own here (two round trips
 * more each: readiness checks, selects without a condition). postgres.js' own `max_pipeline: 0`
 * cannot do this: it also stops `begin` from reserving its connection.
 */
export function withoutPipelining(client: Sql): Sql {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'unsafe') return Reflect.get(target, prop, receiver);
      return (query: string, params?: unknown[], options?: object) => {
        if (params && params.length > 0) return target.unsafe(query, params as never, options);
        const run = (values: boolean) =>
          target.begin((tx) => {
            const q = tx.unsafe(query, [], options);
            return values ? q.values() : q;
          });
        // What Drizzle uses of a query: awaiting it, or `.values()` for rows as arrays.
        return {
          // biome-ignore lint/suspicious/noThenProperty: a thenable like the postgres.js query it stands for
          then: (ok: (v: unknown) => unknown, fail?: (e: unknown) => unknown) => run(false).then(ok, fail),
          values: () => run(true),
        };
      };
    },
  });
}
