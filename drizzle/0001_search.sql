-- Full-text search and typo tolerance for the catalog (drizzle-kit does not model these).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
-- array_to_string is only STABLE; for text[] it is immutable in practice, and generated columns need that.
CREATE OR REPLACE FUNCTION "immutable_join"(text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string($1, ' ') $$;
--> statement-breakpoint
ALTER TABLE "scholarships" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', coalesce("title", '')), 'A') ||
  setweight(to_tsvector('english', immutable_join("fields")), 'B') ||
  setweight(to_tsvector('english', coalesce("description", '')), 'C')
) STORED;
--> statement-breakpoint
CREATE INDEX "scholarships_search_idx" ON "scholarships" USING gin ("search_vector");
--> statement-breakpoint
CREATE INDEX "scholarships_title_trgm_idx" ON "scholarships" USING gin ("title" gin_trgm_ops);
