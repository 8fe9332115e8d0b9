-- Destinations besides private readers: channels and groups connected by an admin, and
-- forum topics. A forum topic is a chats row of its own (its subscriptions, watches and
-- outbox rows hang on it like a reader's) with an id below -2^60, which Telegram never
-- uses; parent_id is its group and thread_id the topic's message_thread_id.

ALTER TABLE chats ADD COLUMN title TEXT;
ALTER TABLE chats ADD COLUMN username TEXT;                -- a public chat's @name, no "@"
ALTER TABLE chats ADD COLUMN parent_id INTEGER;            -- a forum topic's group
ALTER TABLE chats ADD COLUMN thread_id INTEGER;            -- a forum topic's thread
ALTER TABLE chats ADD COLUMN connected_by INTEGER;         -- the user who connected it

CREATE UNIQUE INDEX chats_topic ON chats (parent_id, thread_id) WHERE parent_id IS NOT NULL;
CREATE INDEX chats_by_connector ON chats (connected_by) WHERE connected_by IS NOT NULL;
