/** `npm run db:migrate`: applies drizzle/ migrations to DATABASE_URL (or the embedded PGlite). */
import { connect, runMigrations } from '../backend/src/db/client.ts';

const database = await connect({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? '.data' });
await runMigrations(database);
console.log(`db:migrate: ${database.describe} is up to date`);
await database.close();
