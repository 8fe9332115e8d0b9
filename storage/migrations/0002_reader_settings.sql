-- Per-reader delivery settings (digest mode, quiet hours, time zone), keyword
-- watches in the outbox, and follow-ups (a story sent as a reply to an earlier one).

ALTER TABLE chats ADD COLUMN mode TEXT NOT NULL DEFAULT 'instant'
    CHECK (mode IN ('instant', 'digest'));
ALTER TABLE chats ADD COLUMN digest_time TEXT NOT NULL DEFAULT '08:00';   -- HH:MM local
ALTER TABLE chats ADD COLUMN quiet_start TEXT;                           -- HH:MM local or NULL
ALTER TABLE chats ADD COLUMN quiet_end TEXT;
ALTER TABLE chats ADD COLUMN timezone TEXT;                              -- NULL = TIMEZONE setting

ALTER TABLE outbox ADD COLUMN watch_id INTEGER;
ALTER TABLE outbox ADD COLUMN reply_to_message_id INTEGER;
ALTER TABLE outbox ADD COLUMN is_update INTEGER NOT NULL DEFAULT 0;
