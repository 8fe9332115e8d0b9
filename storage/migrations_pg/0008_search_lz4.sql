-- Search at 100k stories, measured after 0007:
--
-- The search document (tsvector) is compressed with lz4 where the server has it: a
-- phrase's matches are checked against each candidate's positions, and lz4 hands a
-- document back in about half the time pglz takes (a phrase of two common words checks
-- ~5,000 of them at 100k stories). Rows written before keep pglz until re-indexed.
--
-- The source and topics GIN indexes go: the planner estimated a phrase in `source`
-- (an outlet's two words) at 28 stories where 1,695 had it, read those through the
-- source index and checked each one's document outside the index (77 ms). Without
-- them the lemmas' GIN index finds the candidates and the filters are read from the
-- row (small tsvectors kept in it), as before 0007.
DO $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM pg_settings
        WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)
    ) THEN
        ALTER TABLE search_index ALTER COLUMN doc SET COMPRESSION lz4;
    END IF;
END
$$;

DROP INDEX search_index_source;
DROP INDEX search_index_topics;
