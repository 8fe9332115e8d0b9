-- Search at 100k stories (issue 16): what bm25 reads per query becomes one indexed
-- lookup per lemma instead of a count over the index and a JSON document per story.
--
-- search_df: per lemma, how many stories hold it in the title, summary or body (the
-- idf's document frequency), kept by the trigger that keeps search_totals. The totals
-- row is updated first: its row lock orders every index writer (they were serialized
-- on it already), so two writers never wait on each other's lemma rows.
--
-- tf_keys / tf_counts replace the tf JSON: per lemma of the story, a 32-bit key (the
-- first 4 bytes of the lemma's SHA-256, as storage/search_pg.py computes it) sorted,
-- and at the same place its weighted count (10·title + 4·summary + 1·body). Stored
-- uncompressed (STORAGE EXTERNAL; in the row unless the row outgrows 2 kB) and looked
-- up with intarray's idx(), a plain C loop: ~0.1 µs a lemma and story, where the
-- compressed JSON cost ~18 µs a story and array_position() ~2.5 µs a lemma.
-- intarray is a contrib module marked trusted (PostgreSQL 13+): the database's owner
-- may create it.
--
-- source and topics get GIN indexes, so a filter narrows the candidates in the index.

CREATE EXTENSION IF NOT EXISTS intarray;

ALTER TABLE search_index
    ADD COLUMN tf_keys INTEGER[] NOT NULL DEFAULT '{}',
    ADD COLUMN tf_counts SMALLINT[] NOT NULL DEFAULT '{}';
ALTER TABLE search_index ALTER COLUMN tf_keys SET STORAGE EXTERNAL;
ALTER TABLE search_index ALTER COLUMN tf_counts SET STORAGE EXTERNAL;

-- Rewriting every row: without the trigger (it would update the one totals row once a
-- row, a version chain that grows with the table), and without the GIN index, built
-- again afterwards in one pass instead of one insert per lemma and row.
ALTER TABLE search_index DISABLE TRIGGER search_index_totals;
DROP INDEX search_index_doc;

UPDATE search_index s SET tf_keys = a.keys, tf_counts = a.counts
FROM (
    SELECT id, array_agg(key ORDER BY key) AS keys, array_agg(n ORDER BY key) AS counts
    FROM (
        SELECT id,
            ('x' || left(encode(sha256(convert_to(t.key, 'UTF8')), 'hex'), 8))::bit(32)::integer
                AS key,
            least(t.value::integer, 32767)::smallint AS n
        FROM search_index, jsonb_each_text(tf) AS t
    ) e
    GROUP BY id
) a
WHERE a.id = s.id;

ALTER TABLE search_index DROP COLUMN tf;
ALTER TABLE search_index ENABLE TRIGGER search_index_totals;
CREATE INDEX search_index_doc ON search_index USING GIN (doc);

CREATE TABLE search_df (
    lemma TEXT PRIMARY KEY,
    docs BIGINT NOT NULL
);

INSERT INTO search_df (lemma, docs)
SELECT t, count(*) FROM search_index, unnest(tsvector_to_array(doc)) AS t GROUP BY t;

CREATE OR REPLACE FUNCTION search_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_terms TEXT[] := '{}';
    new_terms TEXT[] := '{}';
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE search_totals SET docs = docs - 1, tokens = tokens - OLD.length WHERE id = 1;
        old_terms := tsvector_to_array(OLD.doc);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE search_totals SET docs = docs + 1, tokens = tokens + NEW.length WHERE id = 1;
        new_terms := tsvector_to_array(NEW.doc);
    END IF;
    -- A re-index moves only the lemmas that came or went.
    INSERT INTO search_df (lemma, docs)
    SELECT t, 1 FROM unnest(new_terms) AS t WHERE t <> ALL (old_terms) ORDER BY t
    ON CONFLICT (lemma) DO UPDATE SET docs = search_df.docs + 1;
    DELETE FROM search_df
    WHERE lemma = ANY (old_terms) AND lemma <> ALL (new_terms) AND docs <= 1;
    UPDATE search_df SET docs = docs - 1
    WHERE lemma = ANY (old_terms) AND lemma <> ALL (new_terms);
    RETURN NULL;
END
$$;

CREATE INDEX search_index_source ON search_index USING GIN (source);
CREATE INDEX search_index_topics ON search_index USING GIN (topics);
