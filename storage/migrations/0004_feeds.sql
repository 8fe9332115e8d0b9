-- RSS/Atom feeds the bot polls, what it has already taken in ("never twice"), and
-- drafts from review-mode feeds waiting for an admin. Times are unix seconds (REAL).

CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    topics TEXT NOT NULL DEFAULT '[]',      -- JSON array; empty = topics from the analysis
    mode TEXT NOT NULL DEFAULT 'publish' CHECK (mode IN ('publish', 'review')),
    etag TEXT,
    last_modified TEXT,
    next_poll_at REAL NOT NULL DEFAULT 0,
    last_polled_at REAL,
    last_ok_at REAL,
    failures INTEGER NOT NULL DEFAULT 0,    -- consecutive; drives the backoff
    last_error TEXT,
    error_reported INTEGER NOT NULL DEFAULT 0,  -- admins told about the current outage
    added_by INTEGER,
    created_at REAL NOT NULL
);
CREATE INDEX feeds_due ON feeds (next_poll_at);

-- One row per key an item was known by: its normalised URL, its feed GUID, or a hash
-- of its text (imports without a URL). article_id is NULL while a draft awaits review
-- or when the item was given up on (a dead link).
CREATE TABLE seen (
    kind TEXT NOT NULL CHECK (kind IN ('url', 'guid', 'text')),
    key TEXT NOT NULL,
    article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    feed_id INTEGER REFERENCES feeds (id) ON DELETE SET NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX seen_by_article ON seen (article_id);

CREATE TABLE feed_drafts (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER REFERENCES feeds (id) ON DELETE CASCADE,
    title TEXT,
    text TEXT NOT NULL,
    url TEXT,
    source TEXT,
    published REAL,
    topics TEXT NOT NULL DEFAULT '[]',
    keys TEXT NOT NULL DEFAULT '[]',        -- JSON [[kind, key], ...] to mark seen on publish
    created_at REAL NOT NULL
);
CREATE INDEX feed_drafts_by_feed ON feed_drafts (feed_id, id);
