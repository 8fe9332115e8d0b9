-- Search over the analysis' lemmas (storage/search_pg.py), ranked by the same bm25 as
-- SQLite's FTS5: title ×10, summary ×4, body ×1, k1 1.2, b 0.75.
--
-- search_index: one row per article. doc is the tsvector of the lemma columns built with
-- the `simple` configuration (no stemming, no stop words: the lemmas are the words),
-- title weighted A, summary B, body C, under a GIN index. Filters: language as text,
-- source words and topic tokens as tsvectors of their own. tf holds what bm25 needs per
-- lemma (10·title + 4·summary + 1·body occurrences) and length the tokens of every
-- column; search_totals keeps the index's row and token counts for the average length.

CREATE TABLE search_index (
    id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    day DOUBLE PRECISION NOT NULL,          -- published, else stored (date filters, recency)
    language TEXT NOT NULL,
    source TSVECTOR NOT NULL,
    topics TSVECTOR NOT NULL,
    doc TSVECTOR NOT NULL,
    tf JSONB NOT NULL,
    length INTEGER NOT NULL
);
CREATE INDEX search_index_doc ON search_index USING GIN (doc);

CREATE TABLE search_totals (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    docs BIGINT NOT NULL,
    tokens BIGINT NOT NULL
);
INSERT INTO search_totals (id, docs, tokens) VALUES (1, 0, 0);

CREATE FUNCTION search_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE search_totals SET docs = docs - 1, tokens = tokens - OLD.length WHERE id = 1;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE search_totals SET docs = docs + 1, tokens = tokens + NEW.length WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER search_index_totals AFTER INSERT OR UPDATE OR DELETE ON search_index
    FOR EACH ROW EXECUTE FUNCTION search_totals_follow();
