import postgres from 'postgres';

/** The Postgres every developer and CI machine runs (trust auth); override with TEST_DATABASE_URL. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A login that is a member of gatehouse_app and owns nothing (created by the global setup). */
export const TEST_APP_LOGIN = 'gatehouse_test_app';

/** `url` logged in as TEST_APP_LOGIN instead (trust auth: no password). */
export function appLoginUrl(url: string): string {
  const u = new URL(url);
  u.username = TEST_APP_LOGIN;
  u.password = '';
  return u.toString();
}

export function urlFor(database: string): string {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

export const START_POSTGRES_HINT =
  'start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set TEST_DATABASE_URL)';

/** One admin connection to the maintenance database. */
export function adminSql() {
  return postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {}, connect_timeout: 3 });
}
