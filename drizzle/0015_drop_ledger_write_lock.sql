-- Issue 16 (scale-out): settlement now chains its ledger writes at its end under the chain's advisory
-- lock (backend/src/ledger/chain.ts `deferChain`), and no transaction takes LOCK TABLE on 0014's table
-- any more. It held no rows and nothing reads it.
DROP TABLE IF EXISTS "ledger_write_lock";
