CREATE TABLE "ledger_chain" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"transaction_id" uuid NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_chain_transaction_id" UNIQUE("transaction_id")
);
--> statement-breakpoint
-- UNLOGGED: no WAL flush per request (a logged insert costs a commit fsync, ~8 ms on a busy disk).
-- A Postgres crash or failover empties it, reopening replays for at most one signature window (60 s).
CREATE UNLOGGED TABLE "gateway_nonces" (
	"request_id" text PRIMARY KEY NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ledger_chain" ADD CONSTRAINT "ledger_chain_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gateway_nonces_seen_at_idx" ON "gateway_nonces" USING btree ("seen_at");