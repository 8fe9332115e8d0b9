-- Per-feed polling: its own interval, and what to do with the entries a feed already
-- holds when it is added (its backlog).
--   interval_s: seconds between polls; NULL = the FEED_INTERVAL_S setting.
--   backlog: policy for the first poll that reads the feed: 'none', 'all', 'review' or a
--     number (publish the newest N, mark the rest as read); NULL once applied, and for
--     feeds added before this migration.
--   backlog_review: entries read while a 'review' backlog drains go to /drafts.
ALTER TABLE feeds ADD COLUMN interval_s REAL;
ALTER TABLE feeds ADD COLUMN backlog TEXT;
ALTER TABLE feeds ADD COLUMN backlog_review INTEGER NOT NULL DEFAULT 0;
