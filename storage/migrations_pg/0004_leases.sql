-- SQLite's 0015_leases.sql: several processes on one database (issue 16). Outbox rows
-- and journaled updates are claimed by one process at a time for a lease; a sent row
-- keeps its claim a few seconds as the chat's hold; jobs are held through `leases`;
-- `send_slots` is the global send schedule every worker books from.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until DOUBLE PRECISION;
CREATE INDEX outbox_held ON outbox (chat_id, lease_until) WHERE lease_until IS NOT NULL;
ALTER TABLE updates ADD COLUMN claimed_by TEXT;
ALTER TABLE updates ADD COLUMN lease_until DOUBLE PRECISION;
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    lease_until DOUBLE PRECISION NOT NULL
);
CREATE TABLE send_slots (
    name TEXT PRIMARY KEY,
    next_at DOUBLE PRECISION NOT NULL
);
