-- Search queries behind /search paging buttons. Callback data holds at most 64 bytes,
-- so a button carries a short key and the query text stays here. Rows are disposable:
-- storage.search_keys prunes old ones, and an unknown key asks the reader to search again.

CREATE TABLE search_keys (
    key TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    created_at REAL NOT NULL
);

CREATE INDEX search_keys_created ON search_keys (created_at);
