/**
 * `npm run db:seed -- [--count N] [--reset] [--anchor YYYY-MM-DD]`: loads the deterministic demo
 * catalog (same N and anchor → same rows) into MIGRATION_DATABASE_URL (the owner; unset → DATABASE_URL),
 * or the embedded PGlite under DATA_DIR.
 * Re-running adds only missing rows; `--reset` wipes the catalog first.
 */
import { parseArgs } from 'node:util';
import { connect, runMigrations } from '../backend/src/db/client.ts';
import { seedDemo, DEMO_ACCOUNTS } from '../backend/src/db/seed.ts';

/** Default size: enough to page through and search meaningfully, quick on PGlite. */
const DEFAULT_COUNT = 1000;

const { values } = parseArgs({
  options: { count: { type: 'string' }, reset: { type: 'boolean' }, anchor: { type: 'string' } },
});
const count = values.count === undefined ? DEFAULT_COUNT : Number(values.count);
if (!Number.isInteger(count) || count < 0 || count > 10_000_000) {
  console.error('db:seed: --count must be a whole number between 0 and 10000000');
  process.exit(2);
}
const anchor = values.anchor ? new Date(`${values.anchor}T00:00:00Z`) : undefined;
if (anchor && Number.isNaN(anchor.getTime())) {
  console.error('db:seed: --anchor must be a date like 2026-01-31');
  process.exit(2);
}

// As the owner: a bulk load drops and rebuilds indexes, which the application role may not.
const database = await connect({
  databaseUrl: process.env.MIGRATION_DATABASE_URL ?? process.env.DATABASE_URL,
  dataDir: process.env.DATA_DIR ?? '.data',
});
const started = performance.now();
try {
  await runMigrations(database);
  let last = 0;
  await seedDemo(database.db, {
    count,
    anchor,
    reset: values.reset,
    onProgress(done, total) {
      const now = performance.now();
      if (done === total || now - last > 500) {
        last = now;
        process.stdout.write(`\rdb:seed: ${done}/${total} scholarships (${((now - started) / 1000).toFixed(1)} s)`);
      }
    },
  });
  console.log(`\ndb:seed: done in ${((performance.now() - started) / 1000).toFixed(1)} s into ${database.describe}`);
  console.log(
    'db:seed: demo accounts: ' + DEMO_ACCOUNTS.map((a) => `${a.role} ${a.email} / ${a.password}`).join(' · '),
  );
} finally {
  await database.close();
}
