-- The search index keeps its document once (issue 15: on disk per 100k stories the
-- index's own copy of the lemmas was 311 MB beside 111 MB of index).
--
-- search_index becomes contentless: FTS5 keeps only the inverted index and the column
-- sizes bm25 needs. Taking a row out of a contentless index needs the exact values it
-- was given, so search_docs keeps them: one value per story, the columns joined by
-- U+001F, written packed (zlib, storage.codec) from now on; the rows copied here stay
-- text, which storage.codec reads as it is.
--
-- search_gone: ids of deleted indexed articles whose postings are still in the index.
-- Their search_meta rows cascade at once (every match joins search_meta, so they leave
-- the results at once); storage.search takes the postings out at the next index write.

DROP TRIGGER articles_search_delete;

ALTER TABLE search_index RENAME TO search_old;

CREATE VIRTUAL TABLE search_index USING fts5(
    title, summary, body, language, source, topics,
    content = '',
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY,
    doc BLOB NOT NULL
);

CREATE TABLE search_gone (
    id INTEGER PRIMARY KEY
);

INSERT INTO search_index (rowid, title, summary, body, language, source, topics)
SELECT rowid, title, summary, body, language, source, topics FROM search_old;

INSERT INTO search_docs (id, doc)
SELECT rowid, coalesce(title, '') || char(31) || coalesce(summary, '') || char(31)
    || coalesce(body, '') || char(31) || coalesce(language, '') || char(31)
    || coalesce(source, '') || char(31) || coalesce(topics, '')
FROM search_old;

DROP TABLE search_old;

CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
    INSERT OR IGNORE INTO search_gone (id) SELECT id FROM search_docs WHERE id = old.id;
END;
