-- Full-text search over lemmatized stories, and keyword watches.
--
-- search_index holds one row per article (rowid = articles.id) with the lemmas of
-- its title, summary and body, space-separated; the original words stay in
-- articles and snippets are cut from there. unicode61 without diacritic removal:
-- й/ї must not fold into и/і. The storage layer (storage.search.index_article)
-- fills the index inside the publish transaction; the trigger keeps deletes in step.
--
-- The unindexed columns come first and copy what filters and the recency lift
-- need (story date, language, lower-cased source, topics JSON): ranking then never
-- reads the articles rows, whose long text would make every lookup walk overflow pages.

CREATE VIRTUAL TABLE search_index USING fts5(
    day UNINDEXED,            -- COALESCE(published, created_at), unix seconds
    language UNINDEXED,
    source UNINDEXED,         -- casefolded
    topics UNINDEXED,         -- JSON array, as in articles.topics
    title, summary, body,
    tokenize = 'unicode61 remove_diacritics 0'
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
