"""Leases shared by every process on one database: who runs a job (feed polls, digests),
the global send budget every process takes its permits of (send_permits), and the
groups' send schedules (send_slots).

A lease is a row (name, holder, lease_until). The holder renews it; anyone may take it
once it has expired, so work moves to a surviving process when its holder dies. The
statements are plain SQL that SQLite and PostgreSQL both run (INSERT … ON CONFLICT …
DO UPDATE … WHERE, RETURNING).
"""

from __future__ import annotations

from storage.db import Database

DEAD_HOLDER_KEPT_S = 60.0  # a send_permits row past its lease this long is deleted


async def take(db: Database, name: str, holder: str, *, now: float, lease_s: float) -> bool:
    """Take or renew the lease `name` for `holder`; False while another holds it."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO leases (name, holder, lease_until) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            "lease_until = excluded.lease_until "
            "WHERE leases.holder = excluded.holder OR leases.lease_until <= ?",
            (name, holder, now + lease_s, now),
        )
        found = await conn.fetchval("SELECT holder FROM leases WHERE name = ?", (name,))
    return bool(found == holder)


async def holder(db: Database, name: str, *, now: float) -> str | None:
    """Who holds the lease now (None: nobody, or it expired)."""
    found = await db.fetchval(
        "SELECT holder FROM leases WHERE name = ? AND lease_until > ?", (name, now)
    )
    return str(found) if found is not None else None


async def release(db: Database, name: str, holder: str) -> None:
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))


async def reserve_slots(
    db: Database, name: str, *, count: int, interval_s: float, now: float
) -> float:
    """Book `count` send slots `interval_s` apart on the shared schedule `name`, after
    every slot booked before (by any process) and not before `now`. Returns the first
    slot's time (unix seconds); the others follow at `interval_s`.

    Slots never overlap, so the sends of all workers together keep the schedule's rate
    (a slot a worker does not use is lost, never given twice)."""
    span = count * interval_s
    async with db.transaction() as conn:
        next_at = await conn.fetchval(
            "INSERT INTO send_slots (name, next_at) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET next_at = "
            "CASE WHEN send_slots.next_at > ? THEN send_slots.next_at ELSE ? END + ? "
            "RETURNING next_at",
            (name, now + span, now, now, span),
        )
    return float(next_at) - span


async def reserve_each(
    db: Database, wanted: dict[str, float], *, interval_s: float
) -> dict[str, float]:
    """One slot on each schedule of `wanted` (name → not before), as reserve_slots
    books it, in one statement: a delivery round's groups cost one round trip. Rows
    are taken in name order, so two processes booking overlapping sets never wait on
    each other in a cycle. Returns each schedule's slot."""
    if not wanted:
        return {}
    names = sorted(wanted)
    values = ", ".join("(?, ?)" for _ in names)
    params: list[object] = [x for name in names for x in (name, wanted[name] + interval_s)]
    async with db.transaction() as conn:
        rows = await conn.fetchall(
            f"INSERT INTO send_slots (name, next_at) VALUES {values} "
            "ON CONFLICT (name) DO UPDATE SET next_at = "
            "CASE WHEN send_slots.next_at > excluded.next_at - ? "
            "THEN send_slots.next_at + ? ELSE excluded.next_at END "
            "RETURNING name, next_at",
            (*params, interval_s, interval_s),
        )
    return {str(row[0]): float(row[1]) - interval_s for row in rows}


async def take_permits(
    db: Database,
    name: str,
    holder: str,
    *,
    occupied: int,
    wanted: int,
    limit: int,
    now: float,
    lease_s: float,
) -> int:
    """Up to `wanted` more send permits of the budget `name` for `holder`, which reports
    `occupied` (what it holds now: it only frees permits between takes, so this is never
    more than its row said). Granted only while every live holder's permits together stay
    within `limit`; the holder's row then counts `occupied` + granted until now + lease_s
    (a dead holder's permits free then). Returns how many were granted (0 to `wanted`)."""
    async with db.transaction() as conn:
        # The budget's own row first: takers queue on it, so two never grant at once.
        await conn.execute(
            "INSERT INTO send_permits (name, holder, occupied, until) VALUES (?, '', 0, 0) "
            "ON CONFLICT (name, holder) DO UPDATE SET occupied = 0",
            (name,),
        )
        # A process that stopped leaves its row; gone a minute later, so restarts
        # don't grow the rows every take sums.
        await conn.execute(
            "DELETE FROM send_permits WHERE name = ? AND holder <> '' AND until < ?",
            (name, now - DEAD_HOLDER_KEPT_S),
        )
        others = await conn.fetchval(
            "SELECT COALESCE(SUM(occupied), 0) FROM send_permits "
            "WHERE name = ? AND holder <> ? AND until > ?",
            (name, holder, now),
        )
        granted = max(0, min(wanted, limit - int(others) - occupied))
        await conn.execute(
            "INSERT INTO send_permits (name, holder, occupied, until) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name, holder) DO UPDATE SET occupied = excluded.occupied, "
            "until = excluded.until",
            (name, holder, occupied + granted, now + lease_s),
        )
    return granted
