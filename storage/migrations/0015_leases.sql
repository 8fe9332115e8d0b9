-- Several processes on one database (issue 16). Outbox rows and journaled updates are
-- claimed by one process at a time for a lease (claimed_by, lease_until: unix seconds);
-- a sent row keeps its claim a few seconds as the chat's hold, so no other worker sends
-- to that chat before Telegram's per-chat interval has passed. Jobs (feed polls,
-- digests) are held through `leases`; `send_slots` is the global send schedule every
-- worker books its slots from (storage/leases.py).
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until REAL;
CREATE INDEX outbox_held ON outbox (chat_id, lease_until) WHERE lease_until IS NOT NULL;
ALTER TABLE updates ADD COLUMN claimed_by TEXT;
ALTER TABLE updates ADD COLUMN lease_until REAL;
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    lease_until REAL NOT NULL
);
CREATE TABLE send_slots (
    name TEXT PRIMARY KEY,
    next_at REAL NOT NULL
);
