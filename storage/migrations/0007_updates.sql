-- Incoming updates, stored before they are handled (at-least-once; see storage/updates.py).
CREATE TABLE updates (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    received_at REAL NOT NULL,
    handled_at REAL
);
CREATE INDEX updates_unhandled ON updates (update_id) WHERE handled_at IS NULL;
