"""The journal of incoming updates: stored before they are handled, marked when done.

Telegram forgets an update once the next getUpdates confirms it, which python-telegram-bot
does before handling it; a crash in between used to lose it. Rows here are the bot's own
record: on start-up every row not marked handled is handled again, and update_id keeps
one update from being handled twice. A replay is counted before it starts (`attempts`):
an update that takes the process down every time is marked failed after MAX_ATTEMPTS
(handled_at and failed_at set, so it is neither replayed nor handled if redelivered).

Several processes (webhook mode behind a load balancer): the process that stores an
update claims it for a lease (claimed_by, lease_until); a redelivery reaching another
process is handled there only once that lease has run out, and the updates of a
process that died are claimed by a survivor (`claim_unhandled`) after their lease.
"""

from __future__ import annotations

from storage.db import POSTGRES, Database

KEEP_HANDLED_S = 2 * 24 * 3600  # long enough to recognise a redelivered update
MAX_ATTEMPTS = 3


async def store(
    db: Database,
    update_id: int,
    payload: str,
    *,
    now: float,
    holder: str | None = None,
    lease_s: float = 0.0,
) -> bool:
    """Record an update, claimed by `holder` until now + lease_s; False when it was
    recorded before (a redelivery: see `claim`)."""
    lease = now + lease_s if holder is not None else None
    async with db.transaction() as conn:
        changed = await conn.execute(
            "INSERT INTO updates (update_id, payload, received_at, claimed_by, lease_until)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (update_id, payload, now, holder, lease),
        )
        return changed == 1


async def claim(db: Database, update_id: int, holder: str, *, now: float, lease_s: float) -> bool:
    """A redelivered update: True when `holder` may handle it (not handled yet, and no
    other process holds a live lease on it)."""
    async with db.transaction() as conn:
        changed = await conn.execute(
            "UPDATE updates SET claimed_by = ?, lease_until = ? WHERE update_id = ?"
            " AND handled_at IS NULL"
            " AND (lease_until IS NULL OR lease_until <= ? OR claimed_by = ?)",
            (holder, now + lease_s, update_id, now, holder),
        )
        return changed == 1


async def renew(
    db: Database, holder: str, update_ids: list[int], *, now: float, lease_s: float
) -> None:
    """The holder still has these queued: extend its leases on them."""
    async with db.transaction() as conn:
        await conn.executemany(
            "UPDATE updates SET lease_until = ? WHERE update_id = ? AND claimed_by = ?"
            " AND handled_at IS NULL",
            [(now + lease_s, update_id, holder) for update_id in update_ids],
        )


async def claim_unhandled(
    db: Database, holder: str, *, now: float, lease_s: float, steal: bool = False
) -> list[tuple[int, str, int]]:
    """Claim every unhandled update no live lease holds (with steal: every unhandled one;
    one process per SQLite file, so their holder is gone) and return them as
    `unhandled` does."""
    free = "" if steal else " AND (lease_until IS NULL OR lease_until <= ?)"
    params: tuple[object, ...] = () if steal else (now,)
    async with db.transaction() as conn:
        lock = " FOR UPDATE SKIP LOCKED" if conn.dialect == POSTGRES else ""
        found = await conn.fetchall(
            f"SELECT update_id, payload, attempts FROM updates WHERE handled_at IS NULL{free}"
            f" ORDER BY update_id{lock}",
            params,
        )
        rows = [(int(r[0]), str(r[1]), int(r[2])) for r in found]
        if rows:
            await conn.executemany(
                "UPDATE updates SET claimed_by = ?, lease_until = ? WHERE update_id = ?",
                [(holder, now + lease_s, update_id) for update_id, _, _ in rows],
            )
    return rows


async def handled(db: Database, update_id: int) -> bool:
    row = await db.fetchone(
        "SELECT handled_at IS NOT NULL FROM updates WHERE update_id = ?", (update_id,)
    )
    return bool(row and row[0])


async def mark_handled(db: Database, update_id: int, *, now: float) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE updates SET handled_at = ? WHERE update_id = ? AND handled_at IS NULL",
            (now, update_id),
        )


async def unhandled(db: Database) -> list[tuple[int, str, int]]:
    """(update_id, payload, attempts) of every update stored and not yet handled (nor
    failed), oldest first."""
    rows = await db.fetchall(
        "SELECT update_id, payload, attempts FROM updates WHERE handled_at IS NULL"
        " ORDER BY update_id"
    )
    return [(int(row[0]), str(row[1]), int(row[2])) for row in rows]


async def count_attempt(db: Database, update_id: int) -> int:
    """One more replay of this update is starting; the number of replays so far."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE updates SET attempts = attempts + 1 WHERE update_id = ?", (update_id,)
        )
        row = await conn.fetchone("SELECT attempts FROM updates WHERE update_id = ?", (update_id,))
    return int(row[0]) if row else 0


async def mark_failed(db: Database, update_id: int, *, now: float) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE updates SET handled_at = ?, failed_at = ? WHERE update_id = ?"
            " AND handled_at IS NULL",
            (now, now, update_id),
        )


async def prune(db: Database, *, now: float, keep_s: float = KEEP_HANDLED_S) -> int:
    async with db.transaction() as conn:
        changed = await conn.execute(
            "DELETE FROM updates WHERE handled_at IS NOT NULL AND handled_at < ?",
            (now - keep_s,),
        )
        return changed
