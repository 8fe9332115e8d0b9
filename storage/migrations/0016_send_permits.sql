-- The global send budget shared by every process (issue 16, storage/leases.py
-- take_permits): each holder's row says how many send permits it occupies (a permit is
-- occupied from its grant until a rolling window after its send's answer) and until
-- when that count stands; a dead holder's row stops counting at `until`. The row with
-- holder '' is the budget's lock (its takers queue on it).
CREATE TABLE send_permits (
    name TEXT NOT NULL,
    holder TEXT NOT NULL,
    occupied INTEGER NOT NULL,
    until REAL NOT NULL,
    PRIMARY KEY (name, holder)
);
