-- The whole schema as SQLite's migrations 0001-0013 leave it (storage/migrations/), in
-- PostgreSQL's types: ids BIGINT (Telegram chat ids need 64 bits), times unix seconds
-- in DOUBLE PRECISION, flags INTEGER 0/1, JSON as TEXT and packed texts as BYTEA, so rows
-- read back the same on both backends. Search (search_index) is PostgreSQL's own: see 0002.

CREATE TABLE chats (
    id BIGINT PRIMARY KEY,                  -- Telegram chat id
    type TEXT NOT NULL DEFAULT 'private',
    language TEXT,                          -- chosen with /language; NULL = follow Telegram
    telegram_language TEXT,                 -- last language_code Telegram sent
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked', 'gone')),
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    mode TEXT NOT NULL DEFAULT 'instant' CHECK (mode IN ('instant', 'digest')),
    digest_time TEXT NOT NULL DEFAULT '08:00',  -- HH:MM local
    quiet_start TEXT,                       -- HH:MM local or NULL
    quiet_end TEXT,
    timezone TEXT,                          -- NULL = TIMEZONE setting
    -- Destinations (SQLite 0013): a forum topic is a chats row with an id below -2^60.
    title TEXT,
    username TEXT,                          -- a public chat's @name, no "@"
    parent_id BIGINT,                       -- a forum topic's group
    thread_id BIGINT,                       -- a forum topic's thread
    connected_by BIGINT                     -- the user who connected it
);
CREATE UNIQUE INDEX chats_topic ON chats (parent_id, thread_id) WHERE parent_id IS NOT NULL;
CREATE INDEX chats_by_connector ON chats (connected_by) WHERE connected_by IS NOT NULL;

CREATE TABLE subscriptions (
    chat_id BIGINT NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    topic_id TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (chat_id, topic_id)
);
CREATE INDEX subscriptions_by_topic ON subscriptions (topic_id, chat_id);

CREATE TABLE articles (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    text BYTEA NOT NULL,                    -- zlib-packed (storage.codec.pack)
    url TEXT,
    source TEXT,
    published DOUBLE PRECISION,
    language TEXT NOT NULL,
    topics TEXT NOT NULL DEFAULT '[]',      -- JSON array of topic ids, strongest first
    analysis BYTEA,                         -- storage.codec JSON, zlib-packed
    created_at DOUBLE PRECISION NOT NULL,
    followup_of BIGINT,                     -- the first telling of the same story
    news TEXT,                              -- JSON list: what this telling added
    image TEXT                              -- lead image URL
);
CREATE INDEX articles_by_created ON articles (created_at);
CREATE INDEX articles_by_followup ON articles (followup_of);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    chat_id BIGINT NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    reason_kind TEXT NOT NULL,
    reason_value TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'failed', 'blocked', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at DOUBLE PRECISION NOT NULL,
    last_error TEXT,
    message_id BIGINT,
    created_at DOUBLE PRECISION NOT NULL,
    sent_at DOUBLE PRECISION,
    watch_id BIGINT,
    reply_to_message_id BIGINT,
    is_update INTEGER NOT NULL DEFAULT 0,
    UNIQUE (article_id, chat_id)
);
CREATE INDEX outbox_due ON outbox (status, due_at);
CREATE INDEX outbox_by_chat ON outbox (chat_id, status);

-- A chat's keyword watch: a query in the search language.
CREATE TABLE watches (
    id BIGSERIAL PRIMARY KEY,
    chat_id BIGINT NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    query TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    UNIQUE (chat_id, query)
);

CREATE TABLE feeds (
    id BIGSERIAL PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    topics TEXT NOT NULL DEFAULT '[]',
    mode TEXT NOT NULL DEFAULT 'publish' CHECK (mode IN ('publish', 'review')),
    etag TEXT,
    last_modified TEXT,
    next_poll_at DOUBLE PRECISION NOT NULL DEFAULT 0,
    last_polled_at DOUBLE PRECISION,
    last_ok_at DOUBLE PRECISION,
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    error_reported INTEGER NOT NULL DEFAULT 0,
    added_by BIGINT,
    created_at DOUBLE PRECISION NOT NULL,
    interval_s DOUBLE PRECISION,
    backlog TEXT,
    backlog_review INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX feeds_due ON feeds (next_poll_at);

CREATE TABLE seen (
    kind TEXT NOT NULL CHECK (kind IN ('url', 'guid', 'text')),
    key TEXT NOT NULL,
    article_id BIGINT REFERENCES articles (id) ON DELETE SET NULL,
    feed_id BIGINT REFERENCES feeds (id) ON DELETE SET NULL,
    created_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX seen_by_article ON seen (article_id);

CREATE TABLE feed_drafts (
    id BIGSERIAL PRIMARY KEY,
    feed_id BIGINT REFERENCES feeds (id) ON DELETE CASCADE,
    title TEXT,
    text TEXT NOT NULL,
    url TEXT,
    source TEXT,
    published DOUBLE PRECISION,
    topics TEXT NOT NULL DEFAULT '[]',
    keys TEXT NOT NULL DEFAULT '[]',
    created_at DOUBLE PRECISION NOT NULL,
    image TEXT
);
CREATE INDEX feed_drafts_by_feed ON feed_drafts (feed_id, id);

-- A sequence never reuses an id: old buttons must not hit a new draft.
CREATE TABLE previews (
    id BIGSERIAL PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    title TEXT,
    text TEXT NOT NULL,
    url TEXT,
    source TEXT,
    published DOUBLE PRECISION,
    topics TEXT NOT NULL DEFAULT '[]',
    keys TEXT NOT NULL DEFAULT '[]',
    created_at DOUBLE PRECISION NOT NULL,
    image TEXT
);

CREATE TABLE search_keys (
    key TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX search_keys_created ON search_keys (created_at);

CREATE TABLE updates (
    update_id BIGINT PRIMARY KEY,
    payload TEXT NOT NULL,
    received_at DOUBLE PRECISION NOT NULL,
    handled_at DOUBLE PRECISION,
    attempts INTEGER NOT NULL DEFAULT 0,
    failed_at DOUBLE PRECISION
);
CREATE INDEX updates_unhandled ON updates (update_id) WHERE handled_at IS NULL;
