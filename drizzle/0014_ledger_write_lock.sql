-- Issue 16 (scale-out): ledger-writing transactions of every backend process queue on this table's
-- lock, taken as their first statement (backend/src/idempotency/serializable.ts, lane `ledger`).
-- LOCK TABLE takes no snapshot, so a SERIALIZABLE transaction that waited sees the previous
-- writer's commit (the chain head) instead of failing on it; an advisory lock is a SELECT, whose
-- snapshot is older than the wait. The table holds no rows and nothing reads it. EXCLUSIVE mode
-- needs UPDATE on the table: gatehouse_app has it by 0011's default privileges, granted again here
-- in case the defaults were changed.
CREATE TABLE IF NOT EXISTS "ledger_write_lock" ();
--> statement-breakpoint
GRANT SELECT, UPDATE ON "ledger_write_lock" TO gatehouse_app;
