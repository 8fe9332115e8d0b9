-- Corrections: a story withdrawn with /unpublish, what was done to each delivered
-- message, and which deliveries went inside a digest (a digest message holds several
-- stories, so it is neither edited nor deleted for one of them).

ALTER TABLE articles ADD COLUMN withdrawn_at REAL;
ALTER TABLE outbox ADD COLUMN in_digest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN corrected TEXT;             -- 'deleted' | 'noted'
