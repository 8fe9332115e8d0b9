-- Full-text search over lemmatized stories, and keyword watches.
--
-- search_index: one row per article (rowid = articles.id). title, summary and body
-- hold lemmas separated by spaces (the original words stay in articles; snippets
-- are cut from there). language, source and topics are indexed too so that
-- filters join the MATCH expression and run on the index instead of reading rows:
-- language is one token (uk), source the outlet name, topics one token per topic
-- id with non-alphanumerics removed (us-russia-talks → usrussiatalks).
-- unicode61 without diacritic removal: й/ї must not fold into и/і.
--
-- search_meta: the story's day (published, else stored) in a narrow table, for
-- date filters and the recency lift; reading it from FTS content or from articles
-- would drag each row's long text through the page cache.
--
-- storage.search.index_article fills both inside the publish transaction; the
-- trigger and the foreign key keep deletes in step.

CREATE VIRTUAL TABLE search_index USING fts5(
    title, summary, body, language, source, topics,
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TABLE search_meta (
    id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    day REAL NOT NULL
);

CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
END;

-- A chat's keyword watch: a query in the search language (words, "phrases",
-- -exclusions, topic:/lang:/source: filters).
CREATE TABLE watches (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    query TEXT NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (chat_id, query)
);
