-- Issue 14, finding 6: the application connects as gatehouse_app (backend/src/db/client.ts), which
-- may use every table but may only read and append the ledger; migrations run as the owner
-- (MIGRATION_DATABASE_URL). The owner keeps ALTER / TRIGGER / TRUNCATE; gatehouse_app owns nothing.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gatehouse_app') THEN
    CREATE ROLE gatehouse_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
-- The owner may switch to the app role (SET ROLE / the `role` startup parameter) when one login
-- serves both (the documented fallback, and PGlite). A superuser needs no membership.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT gatehouse_app TO %I', current_user);
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'gatehouse_app membership for % skipped: %', current_user, SQLERRM;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO gatehouse_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO gatehouse_app;
--> statement-breakpoint
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO gatehouse_app;
--> statement-breakpoint
-- Tables a later migration creates get the same; a new ledger table must REVOKE like below.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO gatehouse_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO gatehouse_app;
--> statement-breakpoint
REVOKE ALL ON "ledger_accounts", "ledger_transactions", "ledger_entries", "ledger_chain" FROM gatehouse_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON "ledger_accounts", "ledger_transactions", "ledger_entries", "ledger_chain" TO gatehouse_app;
--> statement-breakpoint
-- The chain is as append-only as the ledger it covers (0004's guard function).
CREATE TRIGGER "ledger_chain_no_update_delete" BEFORE UPDATE OR DELETE ON "ledger_chain"
  FOR EACH ROW EXECUTE FUNCTION "ledger_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "ledger_chain_no_truncate" BEFORE TRUNCATE ON "ledger_chain"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_refuse_change"();
--> statement-breakpoint
-- /readyz reads which migrations ran (drizzle-kit's own table; it exists while migrations run).
DO $$
BEGIN
  GRANT USAGE ON SCHEMA drizzle TO gatehouse_app;
  GRANT SELECT ON drizzle.__drizzle_migrations TO gatehouse_app;
EXCEPTION WHEN undefined_table OR invalid_schema_name THEN
  RAISE NOTICE 'drizzle migrations table not found: /readyz will report the database unreachable';
END $$;
