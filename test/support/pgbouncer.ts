import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tcpOpen } from '../../scripts/lib/tcp-open.ts';
import { TEST_DATABASE_URL } from './pg.ts';
import { freePort } from './process.ts';

/** Debian's `pgbouncer` package; `.ci/run` installs it when missing. */
export const PGBOUNCER_BIN = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';
export const HAS_PGBOUNCER = existsSync(PGBOUNCER_BIN);

export interface PgBouncer {
  /** `url` with its host and port replaced by the pooler's. */
  urlFor(databaseUrl: string): string;
  stop(): Promise<void>;
}

/**
 * PgBouncer in transaction mode in front of the test Postgres, as a production pooler runs: a
 * server connection is lent for one transaction only, so no session state survives between
 * statements of different transactions. Trust auth (like the test Postgres); as root it drops
 * to the `postgres` user, because PgBouncer refuses to run as root.
 */
export async function startPgBouncer(opts: { users?: string[]; poolSize?: number } = {}): Promise<PgBouncer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-pgbouncer-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const upstream = new URL(TEST_DATABASE_URL);
  const users = opts.users ?? [upstream.username || 'postgres'];
  writeFileSync(path.join(dir, 'users.txt'), users.map((u) => `"${u}" ""`).join('\n') + '\n', { mode: 0o644 });
  writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${upstream.hostname} port=${upstream.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${opts.poolSize ?? 20}`,
      'max_client_conn = 1000',
      `logfile = ${path.join(dir, 'pgbouncer.log')}`,
      `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const args = ['-q', ...(process.getuid?.() === 0 ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')];
  const proc: ChildProcess = spawn(PGBOUNCER_BIN, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitListening(port, proc);
  return {
    urlFor(databaseUrl) {
      const u = new URL(databaseUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitListening(port: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`pgbouncer exited with ${proc.exitCode}`);
    if (await tcpOpen('127.0.0.1', port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('pgbouncer did not start listening in time');
}
