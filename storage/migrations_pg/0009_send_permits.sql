-- SQLite's 0016_send_permits.sql: the global send budget shared by every process (issue
-- 16, storage/leases.py take_permits): each holder's occupied permits and until when
-- that count stands; the row with holder '' is the budget's lock.
CREATE TABLE send_permits (
    name TEXT NOT NULL,
    holder TEXT NOT NULL,
    occupied INTEGER NOT NULL,
    until DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (name, holder)
);
