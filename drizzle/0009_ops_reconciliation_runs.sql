-- Observability (issue 10): each reconciliation's outcome, so the ops dashboard and /metrics can show
-- the last one (time, matched, mismatched) and the PSP-side duplicates it found. Written by
-- `npm run reconcile` and the backend's periodic reconciliation; raw SQL (not in the Drizzle schema).
CREATE TABLE IF NOT EXISTS "reconciliation_runs" (
  "id" bigserial PRIMARY KEY,
  "since" timestamptz NOT NULL,
  "finished_at" timestamptz NOT NULL DEFAULT now(),
  "source" text NOT NULL,
  "checked" integer NOT NULL,
  "matched" integer NOT NULL,
  "mismatched" integer NOT NULL,
  "psp_duplicates" integer NOT NULL,
  "applied" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "reconciliation_runs_finished_idx" ON "reconciliation_runs" ("finished_at");
