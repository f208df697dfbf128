-- Vocabulary for search typo tolerance: every distinct word (unstemmed, lower-case) of the catalog's
-- titles, fields and descriptions. A query word missing here is corrected to its nearest trigram
-- neighbour (see backend/src/catalog/search.ts). Words are never removed: a stale word only means
-- one query word is not corrected.
CREATE TABLE IF NOT EXISTS "search_words" ("word" text PRIMARY KEY NOT NULL);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_words_trgm_idx" ON "search_words" USING gist ("word" gist_trgm_ops);
--> statement-breakpoint
-- Statement-level with a transition table: one INSERT … SELECT per bulk insert, not one per row.
-- ORDER BY keeps the lock order stable so concurrent writers cannot deadlock on shared words.
CREATE OR REPLACE FUNCTION "search_words_collect"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_words (word)
  SELECT DISTINCT w FROM new_rows r,
    unnest(tsvector_to_array(to_tsvector('simple', r.title || ' ' || immutable_join(r.fields) || ' ' || r.description))) AS w
  WHERE length(w) BETWEEN 3 AND 40 AND w ~ '^[[:alpha:]]+$'
  ORDER BY w
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "scholarships_words_ins" AFTER INSERT ON "scholarships" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_collect();
--> statement-breakpoint
CREATE TRIGGER "scholarships_words_upd" AFTER UPDATE ON "scholarships" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_collect();
--> statement-breakpoint
INSERT INTO search_words (word)
SELECT DISTINCT w FROM scholarships r,
  unnest(tsvector_to_array(to_tsvector('simple', r.title || ' ' || immutable_join(r.fields) || ' ' || r.description))) AS w
WHERE length(w) BETWEEN 3 AND 40 AND w ~ '^[[:alpha:]]+$'
ON CONFLICT DO NOTHING;
