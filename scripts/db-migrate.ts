/**
 * `npm run db:migrate`: applies drizzle/ migrations as the owner, MIGRATION_DATABASE_URL (unset →
 * DATABASE_URL, or the embedded PGlite), and chains pre-chain ledger rows once (ledger/chain.ts).
 */
import { connect, runMigrations } from '../backend/src/db/client.ts';
import { chainExistingTransactions } from '../backend/src/ledger/chain.ts';

const database = await connect({
  databaseUrl: process.env.MIGRATION_DATABASE_URL ?? process.env.DATABASE_URL,
  dataDir: process.env.DATA_DIR ?? '.data',
});
await runMigrations(database);
const chained = await chainExistingTransactions(database.db);
console.log(
  `db:migrate: ${database.describe} is up to date${chained ? ` (${chained} ledger transactions chained)` : ''}`,
);
await database.close();
