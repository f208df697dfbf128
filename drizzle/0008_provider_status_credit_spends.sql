CREATE TABLE "credit_spends" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"item" text NOT NULL,
	"scholarship_id" uuid NOT NULL,
	"credits" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "scholarships" ADD COLUMN "status" text;--> statement-breakpoint
ALTER TABLE "credit_spends" ADD CONSTRAINT "credit_spends_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credit_spends_user_item_key" ON "credit_spends" USING btree ("user_id","item","scholarship_id");--> statement-breakpoint
CREATE INDEX "credit_spends_user_idx" ON "credit_spends" USING btree ("user_id","created_at");--> statement-breakpoint
-- Existing listings keep what they were: published, or a draft when unpublished.
UPDATE "scholarships" SET "status" = CASE WHEN "published" THEN 'published' ELSE 'draft' END WHERE "status" IS NULL;
--> statement-breakpoint
-- Inserts that only say `published` (the seed, older code) get the matching status.
CREATE OR REPLACE FUNCTION "scholarships_default_status"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."status" IS NULL THEN
    NEW."status" := CASE WHEN NEW."published" THEN 'published' ELSE 'draft' END;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "scholarships_default_status" BEFORE INSERT ON "scholarships"
  FOR EACH ROW EXECUTE FUNCTION "scholarships_default_status"();
--> statement-breakpoint
-- What was bought with credits is as permanent as the ledger entry that paid for it.
CREATE TRIGGER "credit_spends_no_update_delete" BEFORE UPDATE OR DELETE ON "credit_spends"
  FOR EACH ROW EXECUTE FUNCTION "ledger_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "credit_spends_no_truncate" BEFORE TRUNCATE ON "credit_spends"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_refuse_change"();
--> statement-breakpoint
DO $$
BEGIN
  REVOKE ALL ON "credit_spends" FROM gatehouse_app;
  GRANT SELECT, INSERT ON "credit_spends" TO gatehouse_app;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'credit_spends role grants skipped: %', SQLERRM;
END $$;
