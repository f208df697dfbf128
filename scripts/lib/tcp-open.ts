import { connect } from 'node:net';

/**
 * Whether something accepts TCP connections at host:port (answers false on refusal or after
 * `timeoutMs`). For services that speak no HTTP: Postgres, Redis, PgBouncer.
 */
export function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host, () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.setTimeout(timeoutMs, () => {
      s.destroy();
      resolve(false);
    });
  });
}
