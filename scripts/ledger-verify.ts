/**
 * `npm run ledger:verify -- [--json]`: walks the ledger's hash chain (backend/src/ledger/chain.ts)
 * and exits 1 naming the first broken link (and any transaction outside the chain), 0 when every
 * link matches. Reads DATABASE_URL (unset → the embedded PGlite under DATA_DIR); read-only.
 * Runbook: docs/runbooks/reconciliation.md.
 */
import { parseArgs } from 'node:util';
import { connect } from '../backend/src/db/client.ts';
import { formatChainReport, verifyChain } from '../backend/src/ledger/chain.ts';

async function main() {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
  const database = await connect({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? '.data' });
  try {
    const report = await verifyChain(database.db);
    console.log(values.json ? JSON.stringify(report, null, 2) : formatChainReport(report));
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

main().catch((e) => {
  console.error(`ledger:verify: ${(e as Error).message}`);
  process.exit(2);
});
