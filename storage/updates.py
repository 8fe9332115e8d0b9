"""The journal of incoming updates: stored before they are handled, marked when done.

Telegram forgets an update once the next getUpdates confirms it, which python-telegram-bot
does before handling it; a crash in between used to lose it. Rows here are the bot's own
record: on start-up every row not marked handled is handled again, and update_id keeps
one update from being handled twice. A replay is counted before it starts (`attempts`):
an update that takes the process down every time is marked failed after MAX_ATTEMPTS
(handled_at and failed_at set, so it is neither replayed nor handled if redelivered).
"""

from __future__ import annotations

from storage.db import Database

KEEP_HANDLED_S = 2 * 24 * 3600  # long enough to recognise a redelivered update
MAX_ATTEMPTS = 3


async def store(db: Database, update_id: int, payload: str, *, now: float) -> bool:
    """Record an update; False when it was recorded before (a redelivery)."""
    async with db.transaction() as conn:
        changed = await conn.execute(
            "INSERT INTO updates (update_id, payload, received_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (update_id, payload, now),
        )
        return changed == 1


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
