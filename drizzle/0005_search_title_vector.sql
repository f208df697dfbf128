-- Title-only search vector with its own GIN index: "all query terms are in the title" (the first
-- ranking tier) becomes an exact index lookup instead of a per-row ts_filter over search_vector.
ALTER TABLE "scholarships" ADD COLUMN "title_vector" tsvector GENERATED ALWAYS AS (
  to_tsvector('english', coalesce("title", ''))
) STORED;
--> statement-breakpoint
CREATE INDEX "scholarships_title_search_idx" ON "scholarships" USING gin ("title_vector");
