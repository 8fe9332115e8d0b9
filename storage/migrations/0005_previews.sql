-- /push previews waiting for an admin's Publish / Change topics / Cancel. Kept in the
-- database so a restart between the preview and the tap loses nothing.

CREATE TABLE previews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: old buttons must not hit a new draft
    chat_id INTEGER NOT NULL,              -- the admin chat the preview was sent to
    title TEXT,
    text TEXT NOT NULL,
    url TEXT,
    source TEXT,
    published REAL,                        -- unix seconds
    topics TEXT NOT NULL DEFAULT '[]',     -- JSON array: the topics chosen so far
    keys TEXT NOT NULL DEFAULT '[]',       -- JSON [[kind, key], ...] marked seen on publish
    created_at REAL NOT NULL
);
