-- Replays of an update (storage/updates.py): one that takes the process down every time
-- is marked failed after a few start-ups instead of being replayed forever.
ALTER TABLE updates ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE updates ADD COLUMN failed_at REAL;
