-- Search corrects typos against the search_words vocabulary (0002), so the trigram index on titles
-- from 0001 is never used; it only cost writes and seeding time.
DROP INDEX IF EXISTS "scholarships_title_trgm_idx";
