-- Chats (private users and groups), their topic subscriptions, stories and the
-- delivery outbox. Times are unix seconds (REAL) unless named *_iso.

CREATE TABLE chats (
    id INTEGER PRIMARY KEY,                 -- Telegram chat id
    type TEXT NOT NULL DEFAULT 'private',
    language TEXT,                          -- chosen with /language; NULL = follow Telegram
    telegram_language TEXT,                 -- last language_code Telegram sent
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked', 'gone')),
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);

CREATE TABLE subscriptions (
    chat_id INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    topic_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (chat_id, topic_id)
) WITHOUT ROWID;
CREATE INDEX subscriptions_by_topic ON subscriptions (topic_id, chat_id);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    url TEXT,
    source TEXT,
    published REAL,
    language TEXT NOT NULL,
    topics TEXT NOT NULL DEFAULT '[]',      -- JSON array of topic ids, strongest first
    analysis TEXT,                          -- bot.news.codec JSON
    created_at REAL NOT NULL
);
CREATE INDEX articles_by_created ON articles (created_at);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    reason_kind TEXT NOT NULL,
    reason_value TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'failed', 'blocked', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at REAL NOT NULL,
    last_error TEXT,
    message_id INTEGER,
    created_at REAL NOT NULL,
    sent_at REAL,
    UNIQUE (article_id, chat_id)
);
CREATE INDEX outbox_due ON outbox (status, due_at);
CREATE INDEX outbox_by_chat ON outbox (chat_id, status);
