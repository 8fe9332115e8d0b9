-- Corrections (storage/migrations/0014_corrections.sql): a story withdrawn with
-- /unpublish, what was done to each delivered message, and deliveries inside a digest.

ALTER TABLE articles ADD COLUMN withdrawn_at DOUBLE PRECISION;
ALTER TABLE outbox ADD COLUMN in_digest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN corrected TEXT;             -- 'deleted' | 'noted'
